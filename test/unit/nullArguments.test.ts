import { buildSchema, parse, type OperationDefinitionNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { nullArgumentsCheck } from '../../src/plugins/nullArguments.js';
import { CheckedOperation } from '../../src/plugins/operationChecks.js';

// Fields beyond the gateway's own: the refusals come from the schema, not a list.
const check = nullArgumentsCheck(
  buildSchema(`
    type Query {
      list(ids: [ID!]!, tag: String!, note: String): [Int]!
      loose(ids: [ID]!): [Int]!
      nullable(id: ID!): Int
    }
  `),
);

function run(query: string, given: Record<string, unknown>): unknown {
  const document = parse(query);
  const definition = document.definitions[0] as OperationDefinitionNode;
  try {
    check(new CheckedOperation(definition, document, given));
    return 'runs';
  } catch (error) {
    return (error as Error).message;
  }
}

describe('null arguments of non-null root fields, from the schema', () => {
  it.each([
    [
      'query ($v: [ID!] = ["1"]) { list(ids: $v, tag: "t") }',
      '`ids` must not be null, and `$v` was sent as null.',
    ],
    [
      'query ($v: ID = "1") { list(ids: ["2", $v], tag: "t") }',
      '`ids[1]` must not be null, and `$v` was sent as null.',
    ],
    [
      'query ($v: String = "t") { list(ids: [], tag: $v) }',
      '`tag` must not be null, and `$v` was sent as null.',
    ],
    [
      'query ($v: [ID] = ["1"]) { loose(ids: $v) }',
      '`ids` must not be null, and `$v` was sent as null.',
    ],
  ])('%s is refused', (query, message) => {
    expect(run(query, { v: null })).toBe(message);
  });

  it.each([
    // A nullable argument, a nullable item, a nullable field: null is an answer there.
    'query ($v: String) { list(ids: [], tag: "t", note: $v) }',
    'query ($v: ID) { loose(ids: [$v]) }',
    'query ($v: ID = "1") { nullable(id: $v) }',
  ])('%s runs', (query) => {
    expect(run(query, { v: null })).toBe('runs');
  });

  it('lets a variable that was not sent take its default', () => {
    expect(run('query ($v: [ID!] = ["1"]) { list(ids: $v, tag: "t") }', {})).toBe('runs');
  });
});
