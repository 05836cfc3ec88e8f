/**
 * The JSON Schema validator mcp/session.ts hands the SDK's Client instead of its default (Ajv). The Client uses it
 * only to check a result's `structuredContent` against the tool's `outputSchema`; kite-chat reads a result's text
 * content and never structuredContent, so a mismatch there must not fail a call whose text is fine. Leaving Ajv out
 * also takes ~10 % off a start's CPU (scripts/build.mjs leaves the package out of the bundle; BENCHMARKS.md).
 */
import type { jsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/types.js';

export const UNCHECKED_OUTPUT: jsonSchemaValidator = {
  getValidator: () => (input) => ({ valid: true, data: input as never, errorMessage: undefined }),
};
