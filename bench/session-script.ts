/**
 * The fixed six-question session the token and memory benchmarks replay, and the tool calls the in-process tool
 * benchmarks rotate through: holdings, positions, margins, orders, quotes for five symbols, an instrument search.
 * Arguments follow prompts/system.md (list tools get `limit`), so a real model would send the same. Data only.
 */
import type { ScriptedStep } from '../test/support/scripted-openai.js';

export interface SessionTurn {
  question: string;
  tool: string;
  arguments: Record<string, unknown>;
  answer: string;
}

/** NSE:INFY has a full quote fixture; the fake gives the other four a last price (FakeKiteOptions.ltp). */
export const QUOTE_SYMBOLS = ['NSE:INFY', 'NSE:TCS', 'NSE:RELIANCE', 'NSE:HDFCBANK', 'NSE:ICICIBANK'];
export const EXTRA_LAST_PRICES: Record<string, number> = {
  'NSE:TCS': 3456.75,
  'NSE:RELIANCE': 2890.1,
  'NSE:HDFCBANK': 1650.35,
  'NSE:ICICIBANK': 1201.8,
};

export const SESSION: readonly SessionTurn[] = [
  { question: 'What do I hold?', tool: 'get_holdings', arguments: { limit: 50 }, answer: 'You hold two stocks.' },
  { question: 'Any open positions?', tool: 'get_positions', arguments: { limit: 50 }, answer: 'You have a few positions open.' },
  { question: 'How much margin is available?', tool: 'get_margins', arguments: {}, answer: 'Your equity margin is available.' },
  { question: 'Show my orders today.', tool: 'get_orders', arguments: { limit: 50 }, answer: 'You placed ten orders today.' },
  {
    question: 'Quote INFY, TCS, RELIANCE, HDFCBANK and ICICIBANK.',
    tool: 'get_quotes',
    arguments: { instruments: QUOTE_SYMBOLS },
    answer: 'Here are the five quotes.',
  },
  {
    question: 'Find HDFC instruments.',
    tool: 'search_instruments',
    arguments: { query: 'HDFC', filter_on: 'tradingsymbol', limit: 10 },
    answer: 'These HDFC instruments match.',
  },
];

/** One turn as the scripted model plays it: ask for the tool, then answer. */
export function turnSteps(turn: SessionTurn, answerSuffix = ''): ScriptedStep[] {
  return [
    { toolCalls: [{ name: turn.tool, arguments: turn.arguments }] },
    { text: `${turn.answer}${answerSuffix}` },
  ];
}

/** The whole session's script, in order. */
export function sessionScript(): ScriptedStep[] {
  return SESSION.flatMap((turn) => turnSteps(turn));
}
