/**
 * What the cluster primary and its workers say to each other over the IPC
 * channel. Each question carries an id so answers cannot be crossed.
 */
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
