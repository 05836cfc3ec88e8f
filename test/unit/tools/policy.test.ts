// Read and write classes (src/tools/policy.ts): Kite's catalog by its allow-list, other servers by readOnlyHint, the
// next server's mode tools, and the refusal texts.
import { readFileSync } from 'node:fs';
import { test, expect } from 'vitest';
import {
  classifyCall,
  classifyTool,
  detectCatalog,
  KITE_READ_TOOLS,
  KITE_WRITE_TOOLS,
  offeredTools,
  refusalText,
  type RefusalReason,
} from '../../../src/tools/policy.js';
import { KITE_FIXTURES } from '../../support/kite-fixtures.js';

type KiteTool = { name: string; annotations: Record<string, unknown>; writes: boolean };
const KITE_TOOLS_URL = new URL('tools.json', KITE_FIXTURES);
const KITE_TOOLS = JSON.parse(readFileSync(KITE_TOOLS_URL, 'utf8')) as KiteTool[];
const KITE_NAMES = KITE_TOOLS.map((tool) => tool.name);
/** SERVER.md §6: the next server's seven mode tools, without annotations. */
const MODE_NAMES = ['portfolio', 'orders', 'gtt', 'market', 'alerts', 'mutual_funds', 'session'];
const MODE_TOOLS = MODE_NAMES.map((name) => ({ name }));

test('the write and read sets are exactly the writes flags of tools.json', () => {
  expect([...KITE_WRITE_TOOLS].sort()).toEqual(KITE_TOOLS.filter((tool) => tool.writes).map((tool) => tool.name).sort());
  expect([...KITE_READ_TOOLS].sort()).toEqual(KITE_TOOLS.filter((tool) => !tool.writes).map((tool) => tool.name).sort());
  expect(KITE_WRITE_TOOLS.size).toBe(6);
  expect(KITE_READ_TOOLS.size).toBe(16);
});

test.each([
  ['the full v0.3 catalog', KITE_NAMES, 'kite'],
  ['v0.3 with the trading tools excluded', KITE_NAMES.filter((name) => !KITE_WRITE_TOOLS.has(name)), 'kite'],
  ['v0.3 without the login tool', KITE_NAMES.filter((name) => name !== 'login'), 'kite'],
  ['the mode-based rewrite', MODE_TOOLS.map((tool) => tool.name), 'kite-modes'],
  ['a catalog with both', [...KITE_NAMES, ...MODE_TOOLS.map((tool) => tool.name)], 'kite'],
  ['server-everything', ['echo', 'add', 'longRunningOperation', 'get-env'], 'other'],
  ['only one Kite name', ['get_holdings', 'echo'], 'other'],
  ['an empty catalog', [], 'other'],
])('detectCatalog calls %s %s', (_kind, names, catalog) => {
  expect(detectCatalog(names)).toBe(catalog);
});

test('every Kite tool is classed by name, although its annotations call it destructive', () => {
  for (const tool of KITE_TOOLS) {
    expect(tool.annotations['destructiveHint']).toBe(true);
    expect(classifyTool(tool, 'kite'), tool.name).toBe(tool.writes ? 'write' : 'read');
  }
});

test.each([
  ['a tool a Kite fork added', 'place_mf_order'],
  ['a v0.3 name with a prefix', 'kite_get_holdings'],
  ['a mode tool inside a v0.3 catalog', 'orders'],
])('in a Kite catalog %s is a write (unknown means denied)', (_kind, name) => {
  expect(classifyTool({ name, annotations: { readOnlyHint: true } }, 'kite')).toBe('write');
});

test.each([
  ['portfolio', 'read'],
  ['market', 'read'],
  ['mutual_funds', 'read'],
  ['orders', 'write'],
  ['gtt', 'write'],
  ['alerts', 'write'],
  ['session', 'write'],
  ['place_order', 'write'],
  ['something_new', 'write'],
])('in the mode catalog the tool %s is listed as %s', (name, toolClass) => {
  expect(classifyTool({ name }, 'kite-modes')).toBe(toolClass);
});

test.each([
  ['readOnlyHint true', { readOnlyHint: true }, 'read'],
  ['readOnlyHint false', { readOnlyHint: false }, 'write'],
  ['no annotations', undefined, 'write'],
  ['only destructiveHint false', { destructiveHint: false }, 'write'],
  ['readOnlyHint as the text "true"', { readOnlyHint: 'true' }, 'write'],
  ['readOnlyHint 1', { readOnlyHint: 1 }, 'write'],
])('another server\'s tool with %s is a %s', (_kind, annotations, toolClass) => {
  expect(classifyTool({ name: 'echo', annotations }, 'other')).toBe(toolClass);
});

test.each([
  ['orders', 'place', 'write'],
  ['orders', 'modify', 'write'],
  ['orders', 'cancel', 'write'],
  ['orders', 'list', 'read'],
  ['orders', 'history', 'read'],
  ['orders', 'trades', 'read'],
  ['orders', 'all_trades', 'read'],
  ['gtt', 'place', 'write'],
  ['gtt', 'modify', 'write'],
  ['gtt', 'delete', 'write'],
  ['gtt', 'list', 'read'],
  ['alerts', 'create', 'write'],
  ['alerts', 'modify', 'write'],
  ['alerts', 'delete', 'write'],
  ['alerts', 'get', 'read'],
  ['session', 'logout', 'write'],
  ['session', 'status', 'read'],
  ['portfolio', 'holdings', 'read'],
  ['market', 'ltp', 'read'],
  ['mutual_funds', 'holdings', 'read'],
  ['orders', 'place_basket', 'write'],
  ['portfolio', 'convert_position', 'write'],
  ['orders', 'PLACE', 'write'],
])('a %s call in mode %s is a %s', (name, mode, toolClass) => {
  const listed = classifyTool({ name }, 'kite-modes');
  expect(classifyCall(name, { mode }, listed, 'kite-modes')).toBe(toolClass);
});

test.each([
  ['without a mode', {}],
  ['with a mode that is not text', { mode: ['list'] }],
])('a mode-tool call %s is a write', (_kind, args) => {
  expect(classifyCall('orders', args, 'write', 'kite-modes')).toBe('write');
  expect(classifyCall('portfolio', args, 'read', 'kite-modes')).toBe('write');
});

test.each([
  ['Mode', { mode: 'list', Mode: 'place' }],
  ['MODE', { MODE: 'cancel', mode: 'history' }],
  ['mOdE', { mode: 'list', mOdE: 'list' }],
])('a read mode with a second spelling %s of mode is a write, whatever the spellings say', (_spelling, args) => {
  expect(classifyCall('orders', args, 'write', 'kite-modes')).toBe('write');
  expect(classifyCall('portfolio', { ...args, mode: 'holdings' }, 'read', 'kite-modes')).toBe('write');
});

test.each([
  ['kite', 'get_holdings', 'read'],
  ['kite', 'place_order', 'write'],
  ['kite', 'orders', 'write'],
  ['other', 'orders', 'read'],
  ['kite-modes', 'not_a_mode_tool', 'read'],
] as const)('outside the mode tools a call keeps its tool\'s class (%s, %s, %s)', (catalog, name, toolClass) => {
  expect(classifyCall(name, { mode: 'list' }, toolClass, catalog)).toBe(toolClass);
});

test.each([
  ['--ask', { trading: false, mode: 'ask' }],
  ['--ask --trading', { trading: true, mode: 'ask' }],
  ['the REPL without --trading', { trading: false, mode: 'repl' }],
] as const)('Kite write tools are not offered in %s', (_kind, options) => {
  const offered = offeredTools(KITE_TOOLS, options).map((tool) => tool.name);
  expect(offered.sort()).toEqual([...KITE_READ_TOOLS].sort());
});

test('Kite write tools are offered in the REPL with --trading', () => {
  expect(offeredTools(KITE_TOOLS, { trading: true, mode: 'repl' })).toEqual(KITE_TOOLS);
});

test('mode tools that mix reads and writes stay offered without --trading; their writes are refused per call', () => {
  const offered = offeredTools(MODE_TOOLS, { trading: false, mode: 'ask' }).map((tool) => tool.name);
  expect(offered).toEqual(MODE_NAMES);
  expect(classifyCall('orders', { mode: 'place' }, 'write', 'kite-modes')).toBe('write');
});

test('another server\'s unannotated tools are offered only with --trading in the REPL', () => {
  const tools = [{ name: 'echo' }, { name: 'read_file', annotations: { readOnlyHint: true } }];
  expect(offeredTools(tools, { trading: false, mode: 'repl' }).map((tool) => tool.name)).toEqual(['read_file']);
  expect(offeredTools(tools, { trading: true, mode: 'repl' }).map((tool) => tool.name)).toEqual(['echo', 'read_file']);
});

const REASONS: RefusalReason[] = [
  'read-only-ask', 'read-only-repl', 'declined', 'over-cap', 'invalid-arguments', 'duplicate-declined', 'not-logged-in',
];

test.each(REASONS)('the %s refusal says nothing was placed', (reason) => {
  const text = refusalText('place_order', reason);
  expect(text).toContain('NOT DONE: place_order was not sent');
  expect(text).toContain('nothing was placed, modified, cancelled or deleted');
});

test.each(['read-only-ask', 'read-only-repl', 'declined', 'duplicate-declined', 'not-logged-in'] as const)(
  'the %s refusal forbids calling the tool again',
  (reason) => {
    expect(refusalText('place_order', reason)).toContain('Do not call place_order again for this request');
  },
);

test('the over-cap refusal forbids the same call again and shrinking the order to fit', () => {
  const text = refusalText('place_order', 'over-cap');
  expect(text).toContain('Do not call place_order again with the same arguments');
  expect(text).toContain('do not split or shrink the order');
});

test('the invalid-arguments refusal allows one corrected call that the user still confirms', () => {
  const text = refusalText('place_order', 'invalid-arguments');
  expect(text).toContain('once more with corrected arguments');
  expect(text).toContain('still be asked to confirm');
  expect(text).toContain('Change nothing else');
});

test('the --ask refusal says --ask never trades and how the user can trade', () => {
  const text = refusalText('cancel_order', 'read-only-ask');
  expect(text).toContain('--ask is read-only');
  expect(text).toContain('kite-chat --trading');
  expect(text).toContain('typed confirmation');
});

test('the REPL refusal tells the user to restart with --trading', () => {
  expect(refusalText('place_gtt_order', 'read-only-repl')).toContain('restart with `kite-chat --trading`');
});

test('the declined refusal says the user did not confirm', () => {
  expect(refusalText('place_order', 'declined')).toContain('did not confirm');
});

test('the duplicate refusal says the earlier identical call was already sent', () => {
  expect(refusalText('place_order', 'duplicate-declined')).toContain('already confirmed this exact call');
});

test('the not-logged-in refusal says the user was not asked and how to log in', () => {
  const text = refusalText('place_order', 'not-logged-in');
  expect(text).toContain('the login was not completed, so the user was not asked to confirm it');
  expect(text).toContain('/login');
});

test('a refusal carries the detail it is given', () => {
  const detail = 'Its estimated value ₹60,000.00 is above the ₹50,000.00 limit per order.';
  expect(refusalText('place_order', 'over-cap', detail)).toContain(detail);
  expect(refusalText('place_order', 'over-cap', '  ')).not.toMatch(/ {2}/);
});
