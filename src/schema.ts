import { readFileSync, readdirSync } from 'node:fs';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse, type GraphQLSchema } from 'graphql';
import { withEntityTypeCheck } from './resolvers/entities.js';
import { resolvers } from './resolvers/index.js';

// `schema/` sits beside `src/` and `dist/` alike, so one relative URL serves both.
const SCHEMA_DIR = new URL('../schema/', import.meta.url);

/** The subgraph SDL, as written in `schema/*.graphql`. */
function readTypeDefs(): string {
  return readdirSync(SCHEMA_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .sort()
    .map((file) => readFileSync(new URL(file, SCHEMA_DIR), 'utf8'))
    .join('\n');
}

export function createSchema(): GraphQLSchema {
  return withEntityTypeCheck(buildSubgraphSchema({ typeDefs: parse(readTypeDefs()), resolvers }));
}
