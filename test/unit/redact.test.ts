// Redaction (src/redact.ts): the one rule set for keys, session ids and signed links, fed the inputs of the three old
// call sites, and the configured key masked as itself.
import { test, expect } from 'vitest';
import { createRedactor, redactLink, createSecretMask, redactSecrets, safeLine } from '../../src/redact.js';

const SESSION = 'kitemcp-4f1c2b9e-8a7d-4c3b-9e1f-2a3b4c5d6e7f';
const SIGNED = `${SESSION}|1754467200.dx6dDT3fgsaPyBAq5z1dAXxagvE8O3wuLuO_Yw79CUY=`;
const LOGIN_LINK =
  `https://kite.zerodha.com/connect/login?api_key=kitemcp&v=3&redirect_params=session_id%3D${encodeURIComponent(SIGNED)}`;
const OPENAI_KEY = 'sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4z';

const redact = createRedactor({});

test.each([
  ['a Kite MCP session id', `resuming session ${SESSION} from disk`, 'resuming session [redacted] from disk'],
  ['an upper-case Kite MCP session id', `id ${SESSION.toUpperCase()}`, 'id [redacted]'],
  ['an SSE sessionId query parameter', 'POST /message?sessionId=0b6a3c1e-1111-4222-8333-944445555666 202',
    'POST /message?sessionId=[redacted] 202'],
  ['a session_id parameter', 'callback?status=success&session_id=abc|123.sig=&action=login',
    'callback?status=success&session_id=[redacted]&action=login'],
  ['a query-escaped session_id', 'x?redirect=session_id%3Dabc%7C123.sig%3D done',
    'x?redirect=session_id%3D[redacted] done'],
  ['redirect_params in a login link', LOGIN_LINK,
    'https://kite.zerodha.com/connect/login?api_key=kitemcp&v=3&redirect_params=[redacted]'],
  ['a request_token', '/callback?request_token=Xy12Ab34Cd56&type=login', '/callback?request_token=[redacted]&type=login'],
  ['an access_token form field', 'grant_type=refresh&access_token=eyJhbGciOi.abc.def',
    'grant_type=refresh&access_token=[redacted]'],
  ['a bearer token', 'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl',
    'Authorization: Bearer [redacted]'],
  ['an OpenAI key', `401 Incorrect API key provided: ${OPENAI_KEY}.`, '401 Incorrect API key provided: [redacted].'],
  ['an Mcp-Session-Id header', 'Mcp-Session-Id: 0b6a3c1e-1111-4222-8333-944445555666\r\nAccept: */*',
    'Mcp-Session-Id: [redacted]\r\nAccept: */*'],
  ['an mcp-session-id header in lower case', 'mcp-session-id:abc123def456', 'mcp-session-id:[redacted]'],
  ['a session id in JSON', '{"sessionId":"0b6a3c1e-1111","savedAt":1}', '{"sessionId":"[redacted]","savedAt":1}'],
  ['a session header in JSON', '{"mcp-session-id": "abc123def456"}', '{"mcp-session-id": "[redacted]"}'],
  ['a refresh token in JSON', '{"refresh_token":"r1.abcdef","expires_in":3600}',
    '{"refresh_token":"[redacted]","expires_in":3600}'],
])('redacts %s', (_kind, input, expected) => {
  expect(redact(input)).toBe(expected);
});

test.each([
  ['ordinary prose', 'Your holdings are worth ₹1,23,456.78; INFY is up 2.1% today.'],
  ['words that contain sk-', 'the task-force asked about risk-free returns'],
  ['a short sk- word', 'pip install sk-learn'],
  ['the word session', 'Your session is still logged in.'],
  ['a bare order id', 'order_id 250806000123 placed'],
])('leaves %s alone', (_kind, input) => {
  expect(redact(input)).toBe(input);
});

test('known secret values are redacted wherever they appear, raw or query-escaped', () => {
  const withValues = createRedactor({ values: [SIGNED, 'my-api-key-123'] });
  expect(withValues(`saved ${SIGNED} ok`)).toBe('saved [redacted] ok');
  expect(withValues(`link ...${encodeURIComponent(SIGNED)}`)).toBe('link ...[redacted]');
  expect(withValues('header x-api-key: my-api-key-123')).toBe('header x-api-key: [redacted]');
});

test('values shorter than six characters are not treated as secrets', () => {
  const withValues = createRedactor({ values: ['abc', '12345', 'NSE'] });
  expect(withValues('abc 12345 NSE')).toBe('abc 12345 NSE');
});

test('a secret that contains another secret is redacted whole', () => {
  const withValues = createRedactor({ values: ['secret', 'secret-and-more'] });
  expect(withValues('x secret-and-more y secret')).toBe('x [redacted] y [redacted]');
});

test('secret values with regular-expression characters are matched literally', () => {
  const withValues = createRedactor({ values: ['a.b*c+d?(e)'] });
  expect(withValues('a.b*c+d?(e) and aXbbbcd')).toBe('[redacted] and aXbbbcd');
});

test('redacting twice changes nothing more', () => {
  const withValues = createRedactor({ values: [OPENAI_KEY] });
  const text = `${LOGIN_LINK} Bearer abc.def Mcp-Session-Id: ${SESSION} {"sessionId":"x1"} ${OPENAI_KEY}`;
  const once = withValues(text);
  expect(once).not.toContain(SESSION);
  expect(once).not.toContain('dx6dDT3f');
  expect(withValues(once)).toBe(once);
});

test.each([
  ['a login link', LOGIN_LINK, 'https://kite.zerodha.com/connect/login?…'],
  ['an SSE message endpoint', 'http://127.0.0.1:8080/message?sessionId=abc', 'http://127.0.0.1:8080/message?…'],
  ['a link with a fragment', 'https://mcp.kite.trade/cb#code=secret', 'https://mcp.kite.trade/cb?…'],
  ['a link without a query', 'https://mcp.kite.trade/sse', 'https://mcp.kite.trade/sse'],
  ['a link with credentials', 'https://user:pass@mcp.kite.trade/mcp?x=1', 'https://mcp.kite.trade/mcp?…'],
  ['a javascript: link', 'javascript:alert(1)?x', 'javascript:alert(1)?…'],
  ['text that is not a URL', 'not a url?token=abc', 'not a url?…'],
])('redactLink keeps scheme, host and path of %s', (_kind, input, expected) => {
  expect(redactLink(input)).toBe(expected);
});

// Issue 14: the configured key is masked as itself, whatever its shape, also when it arrives in pieces.
const ODD_KEY = 'gsk_live.7Hq2-Zx9.Kp4wT';

test('a key of any shape is masked as a literal, raw, query-escaped and JSON-escaped', () => {
  const mask = createSecretMask([ODD_KEY, 'key"with\\quote']);
  expect(mask(`Invalid API key ${ODD_KEY} (check it)`)).toBe('Invalid API key [redacted] (check it)');
  expect(mask(`?key=${encodeURIComponent('key"with\\quote')}`)).toBe('?key=[redacted]');
  expect(mask(JSON.stringify({ answer: 'key"with\\quote' }))).toBe('{"answer":"[redacted]"}');
  expect(mask('nothing to hide')).toBe('nothing to hide');
});

test('a key split across streamed pieces is masked, and text that only starts like it is released at the end', () => {
  const stream = createSecretMask([ODD_KEY]).stream();
  const pieces = ['Your key is gsk_li', 've.7Hq2', '-Zx9.Kp4wT, and gsk_l'];
  const shown = pieces.map((piece) => stream.push(piece)).join('') + stream.flush();
  expect(shown).toBe('Your key is [redacted], and gsk_l');
  expect(createSecretMask([]).stream().push('gsk_')).toBe('gsk_');
});

// Issue 16: one set of rules where there were three (the audit log's, the MCP debug log's, the model error quote's).
// Each old call site's input goes through the one redaction, and no secret it carried survives.
const MODEL_KEY = 'sk-test-SECRET0123456789abcdefSECRET';
test.each([
  ['the audit log (a tool argument)', `INFY ${OPENAI_KEY} ${SESSION} session_id=abc123secret`, [],
    'INFY [redacted] [redacted] session_id=[redacted]', ['sk-proj', SESSION, 'abc123secret']],
  ['the MCP debug log (an SDK error)',
    'POST https://me:pw@mcp.kite.trade/message?sessionId=abc123 for kitemcp-1b2c3d4e-aaaa-bbbb-cccc-0123456789ab\u001b[31m\nred', [],
    'POST https://mcp.kite.trade/message?… for [redacted] red', ['me:pw', 'abc123', '1b2c3d4e', '\u001b']],
  ['the MCP debug log (the live session id)', 'id=opaque-token-7 sent', ['opaque-token-7'], 'id=[redacted] sent', ['opaque-token-7']],
  ['a model error quote', `does not support tools; key ${MODEL_KEY}, Bearer abc.def, http://user:pw-SECRET@proxy.example/v1`, [],
    'does not support tools; key [redacted], Bearer [redacted], http://proxy.example/v1', ['SECRET', 'abc.def', 'user:']],
  ['a model error quote echoing a starred key', 'Incorrect API key provided: sk-proj-****************************abcd.', [],
    'Incorrect API key provided: [redacted].', ['sk-proj', 'abcd']],
  ['a model error quote with a token of another shape', 'token 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822c rejected', [],
    'token [redacted] rejected', ['9f86d081']],
])('one redaction serves %s', (_site, input, values, expected, gone) => {
  const line = safeLine(input, values);
  expect(line).toBe(expected);
  for (const secret of gone) expect(line).not.toContain(secret);
  expect(safeLine(line, values)).toBe(line);
});

test('a long model name is not mistaken for a token', () => {
  expect(redactSecrets('model deepseek-r1-distill-qwen-32b-instruct-q4 is not loaded')).toBe('model deepseek-r1-distill-qwen-32b-instruct-q4 is not loaded');
});
