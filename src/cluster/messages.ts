/**
 * What the cluster primary and its workers say to each other over the IPC
 * channel. Each question carries an id so answers cannot be crossed.
 */
import type { Refusal } from '../http/callerShares.js';
import type { WorkerMetrics } from '../observability/clusterMetrics.js';

export interface Question {
  type: 'gateway:question';
  id: number;
  topic: 'simulatorUrl' | 'metrics';
}

export interface Answer {
  type: 'gateway:answer';
  id: number;
  value?: string;
  error?: string;
}

/** The primary asking a worker for its own metrics, and the worker's answer. */
export interface MetricsQuestion {
  type: 'gateway:metrics-question';
  id: number;
}

export interface MetricsAnswer {
  type: 'gateway:metrics-answer';
  id: number;
  metrics?: WorkerMetrics;
  error?: string;
}

/** What a worker's metrics answer says, without the envelope. */
export type MetricsReply = Omit<MetricsAnswer, 'type' | 'id'>;

/** A worker asking the primary for a place in a caller's share (cluster/callerShares.ts). */
export interface CallerEnter {
  type: 'gateway:caller-enter';
  id: number;
  caller: string;
}

/** The primary's answer: let in, or the refusal. */
export interface CallerEntered {
  type: 'gateway:caller-entered';
  id: number;
  caller: string;
  refusal?: Refusal;
}

/** A worker giving a place back: its request answered, or excused. */
export interface CallerLeave {
  type: 'gateway:caller-leave';
  caller: string;
  /** The calls its request made beyond its first; `excused` when it never ran. */
  callsBeyondFirst: number | 'excused';
}

/** A worker that could not start, and why: the primary writes the line once for all of them. */
export interface StartFailed {
  type: 'gateway:start-failed';
  line: string;
}

/** The primary asking a listening worker whether its event loop still turns, and the worker's answer. */
export interface Ping {
  type: 'gateway:ping';
}

export interface Pong {
  type: 'gateway:pong';
}
