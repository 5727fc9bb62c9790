/**
 * The operation limits as Apollo Server options: a token cap for the parser,
 * an error cap and small rules for validation. All refusals happen before
 * execution, so a refused operation never reaches the upstream, and all are
 * HTTP 400 (graphql-armor's token limit would answer 500 under Apollo Server 5).
 */
import type { ParseOptions, ValidationRule } from 'graphql';
import type { LimitsConfig } from '../config.js';
import { maxAliasesRule } from './aliases.js';
import { maxDepthRule } from './depth.js';
import { maxDirectivesRule } from './directives.js';
import { maxRootFieldsRule } from './rootFields.js';
import { noServiceSdlRule } from './serviceSdl.js';

/** Validation stops after this many errors, so a hostile document gets a short answer. */
const MAX_VALIDATION_ERRORS = 10;

export interface OperationLimits {
  parseOptions: ParseOptions;
  validationOptions: { maxErrors: number };
  validationRules: ValidationRule[];
}

export function operationLimits(limits: LimitsConfig, introspection: boolean): OperationLimits {
  return {
    parseOptions: { maxTokens: limits.maxTokens },
    validationOptions: { maxErrors: MAX_VALIDATION_ERRORS },
    validationRules: [
      maxDepthRule(limits.maxDepth),
      maxAliasesRule(limits.maxAliases),
      maxRootFieldsRule(limits.maxRootFields),
      maxDirectivesRule(limits.maxDirectives),
      ...(introspection ? [] : [noServiceSdlRule]),
    ],
  };
}
