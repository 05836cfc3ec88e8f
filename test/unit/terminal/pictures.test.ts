// The side channel from a local tool to the screen: the agent loop passes a tool's picture on in its tool-call-end
// event and never puts it in the model's tool message; the turn view draws it on stderr after the answer, only on a
// terminal with colour on (a pipe, NO_COLOR or --no-color get none), and nothing on stdout.
import { Writable } from 'node:stream';
import { expect, test } from 'vitest';
import { runTurn, type AgentEvent } from '../../../src/agent/loop.js';
import type { PriceChartDisplay } from '../../../src/charts/display.js';
import { createEventRenderer } from '../../../src/terminal/turn-view.js';
import { createTerminalUi } from '../../../src/terminal/ui.js';
import type { ToolEntry } from '../../../src/tools/schema.js';
import { recordingCallTool, scriptedComplete, toolCall } from '../../support/scripted-complete.js';

const CHART: PriceChartDisplay = {
  kind: 'price-chart',
  title: 'NSE:INFY · day · 2025-04-01 → 2025-06-30',
  closes: [1500.05, 1512.4, 1490.1, 1533.35, 1550.2, 1541.75, 1560.95, 1555.5],
  times: ['2025-04-01', '2025-04-02', '2025-04-03', '2025-04-04', '2025-04-07', '2025-04-08', '2025-04-09', '2025-06-30'],
  high: { index: 6, text: '₹1,566.00 on 2025-04-09' },
  low: { index: 2, text: '₹1,480.10 on 2025-04-03' },
  rising: true,
};
const SCHEMA = { type: 'object', properties: { instrument: { type: 'string' } } };
const PRICE_CHART: ToolEntry = {
  definition: { type: 'function', function: { name: 'price_chart', parameters: SCHEMA } },
  serverName: 'price_chart',
  inputSchema: SCHEMA,
};

function stream(isTTY: boolean): Writable & { isTTY: boolean; columns: number; written: string[] } {
  const written: string[] = [];
  const writable = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written.push(chunk.toString());
      done();
    },
  });
  return Object.assign(writable, { isTTY, columns: 100, written });
}

test('the loop passes a tool\'s picture to the person in tool-call-end, and the model gets the text alone', async () => {
  const model = scriptedComplete([{ toolCalls: [toolCall('call-1', 'price_chart', { instrument: 'NSE:INFY' })] }, { text: 'INFY rose 4%.' }]);
  const tools = recordingCallTool(() => ({ text: 'first close: ₹1,500.05', isError: false, display: CHART }));
  const events: AgentEvent[] = [];
  const result = await runTurn({
    complete: model.complete, callTool: tools.callTool, tools: [PRICE_CHART], maxRounds: 4,
    messages: [{ role: 'user', content: 'How has INFY moved?' }], onEvent: (event) => events.push(event), signal: new AbortController().signal,
  });
  expect(events.find((event) => event.type === 'tool-call-end')).toMatchObject({ type: 'tool-call-end', display: CHART });
  const toolMessage = result.messages.find((message) => message.role === 'tool');
  expect(toolMessage?.content).toBe('first close: ₹1,500.05');
  expect(JSON.stringify(model.requests[1])).not.toContain('1512.4');
});

test.each([
  ['a colour terminal', true, { tty: true, color: true }],
  ['a pipe', false, { tty: false, color: true }],
  ['a terminal with NO_COLOR', false, { tty: true, color: false }],
])('on %s, a chart on stderr after the answer: %s; never on stdout', (_name, drawn, setting) => {
  const stdout = stream(setting.tty);
  const stderr = stream(setting.tty);
  const ui = createTerminalUi({ stdout, stderr }, { color: setting.color });
  const render = createEventRenderer(ui, { streamAnswer: true });
  render({ type: 'tool-call-start', id: 'call-1', name: 'price_chart', arguments: {} });
  render({ type: 'tool-call-end', id: 'call-1', name: 'price_chart', isError: false, durationMs: 5, text: 'figures', display: CHART });
  expect(stderr.written.join('')).not.toContain('┤'); // nothing before the answer
  render({ type: 'assistant-text', delta: 'INFY rose 4%.' });
  ui.endAnswer();
  render.drawPictures();
  ui.activity.stop();
  const errors = stderr.written.join('');
  expect(errors.includes('┤') && errors.includes('2025-06-30') && errors.includes('▲ high ₹1,566.00 on 2025-04-09')).toBe(drawn);
  expect(stdout.written.join('')).not.toContain('┤');
  render.drawPictures(); // once drawn (or not), a picture is forgotten
  expect(stderr.written.join('')).toBe(errors);
});
