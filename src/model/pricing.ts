/**
 * Estimated cost of a session for /usage: US dollars per million tokens for the OpenAI chat models people are
 * likely to use, from OpenAI's published price list. Any other model (local, OpenRouter, a new release) is
 * "unknown" rather than a guess. Update PRICES_AS_OF with the table.
 */
import type { Usage } from '../agent/model.js';

export const PRICES_AS_OF = '2025-08';

/** [input, output] in USD per 1M tokens. */
const PRICES: Readonly<Record<string, readonly [number, number]>> = {
  'gpt-5': [1.25, 10],
  'gpt-5-mini': [0.25, 2],
  'gpt-5-nano': [0.05, 0.4],
  'gpt-4.1': [2, 8],
  'gpt-4.1-mini': [0.4, 1.6],
  'gpt-4.1-nano': [0.1, 0.4],
  'gpt-4o': [2.5, 10],
  'gpt-4o-mini': [0.15, 0.6],
};

/** The estimated cost in USD, or undefined when the model is not in the table. Dated snapshots use their family. */
export function estimateCostUsd(model: string, usage: Usage): number | undefined {
  const family = model.replace(/-\d{4}-\d{2}-\d{2}$/, '');
  const price = PRICES[family];
  if (price === undefined) return undefined;
  return (usage.promptTokens * price[0] + usage.completionTokens * price[1]) / 1_000_000;
}
