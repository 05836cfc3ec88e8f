// The Kite login flow (src/login/kite-login.ts, src/login/messages.ts) with its dependencies injected: a recording screen, a
// recording opener and a probe. Both forms of the link are shown and opened once; a refused link is never shown or
// opened and the user gets its real host, why, and what to do; an answer without a readable link (or an error) reaches
// the user with what to do; both "already logged in" wordings give the name alone; the model never gets a link.
import { describe, expect, test } from 'vitest';
import { completeLogin, type LoginDeps } from '../../../src/login/kite-login.js';
import { alreadyLoggedInAs, LOGIN_SELF_HELP } from '../../../src/login/messages.js';
import { loginMessageForModel, type LoginOutcome } from '../../../src/login/outcome.js';
import { loginText } from '../../support/fake-kite/tools.js';

const SERVER = new URL('https://mcp.kite.trade/mcp');
const HOSTED_LINK = 'https://mcp.kite.trade/authorize?session_id=kitemcp-4f1c2b9e-8a7d-4c3b-9e1f-2a3b4c5d6e7f%7C1754467200.dx6dDT3fgsaPyBAq5z1dAXxagvE8O3wuLuO_Yw79CUY%3D';
const DIRECT_LINK = 'https://kite.zerodha.com/connect/login?api_key=kitemcp&v=3&redirect_params=session_id%3Dkitemcp-4f1c2b9e-8a7d-4c3b-9e1f-2a3b4c5d6e7f%7C1754467200.dx6dDT3fgsaPyBAq5z1dAXxagvE8O3wuLuO_Yw79CUY%3D';
const PROFILE = JSON.stringify({ user_id: 'AB1234', user_name: 'AxAx Bxx' });

interface Recorded {
  lines: string[];
  shown: { warning: string; link: string }[];
  opened: string[];
}

function loginDeps(options: { loggedIn?: boolean } = {}): { deps: LoginDeps; seen: Recorded } {
  const seen: Recorded = { lines: [], shown: [], opened: [] };
  const deps: LoginDeps = {
    probe: async () => (options.loggedIn === true ? { text: PROFILE, isError: false } : { text: 'Failed to execute get_profile', isError: true }),
    serverUrl: SERVER,
    openLink: async (url) => {
      seen.opened.push(url.href);
      return { ok: true };
    },
    screen: {
      showLink: (input) => void seen.shown.push(input),
      status: (line) => void seen.lines.push(`status: ${line}`),
      warn: (line) => void seen.lines.push(`warn: ${line}`),
    },
    waitForEnter: undefined,
    timeoutMs: 60_000,
    pollIntervalMs: 1,
    signal: new AbortController().signal,
  };
  return { deps, seen };
}

describe.each([
  ['hosted', HOSTED_LINK],
  ['direct', DIRECT_LINK],
])('a %s login link', (_form, link) => {
  test('is shown once with Kite\'s warning, opened once, and the login is detected', async () => {
    const { deps, seen } = loginDeps({ loggedIn: true });
    const outcome = await completeLogin({ text: loginText(link), isError: false }, deps);
    expect(outcome).toEqual({ status: 'logged-in', userName: 'AxAx Bxx' });
    expect(seen.shown).toEqual([{ link, warning: expect.stringMatching(/^⚠️ WARNING: AI systems are unpredictable/) }]);
    expect(seen.opened).toEqual([link]);
  });

  test('is refused on another origin: not shown, not opened, and the warning names the real host, why and what to do', async () => {
    const { deps, seen } = loginDeps();
    const elsewhere = link.replace(/^https:\/\/[^/]+/, 'https://mcp.kite.trade@evil.example');
    const outcome = await completeLogin({ text: loginText(elsewhere), isError: false }, deps);
    expect(outcome.status).toBe('refused');
    expect(seen.shown).toEqual([]);
    expect(seen.opened).toEqual([]);
    expect(seen.lines).toEqual([
      'warn: Refused to open the login link to evil.example: it hides its real host behind a user name (the part before @).',
      `warn: Not logged in to https://mcp.kite.trade: ${LOGIN_SELF_HELP}.`,
    ]);
  });
});

test('an answer without a readable link reaches the user with controls stripped, then one line of what to do', async () => {
  const { deps, seen } = loginDeps();
  const text = 'Logins are paused.\u001b[2J Open mcp.kite.trade/authorize?session_id=abc to go on.';
  const outcome = await completeLogin({ text, isError: false }, deps);
  expect(outcome).toEqual({ status: 'no-link', text });
  expect(seen.lines).toEqual([
    'status: Logins are paused. Open mcp.kite.trade/authorize?session_id=abc to go on.',
    `warn: No login link could be read from the answer of https://mcp.kite.trade above: ${LOGIN_SELF_HELP}.`,
  ]);
  expect(seen.opened).toEqual([]);
});

test('an error answer is shown with what to do, and a link inside it is neither shown as a link nor opened', async () => {
  const { deps, seen } = loginDeps();
  const outcome = await completeLogin({ text: `Failed to create new Kite session: see ${HOSTED_LINK}`, isError: true }, deps);
  expect(outcome.status).toBe('no-link');
  expect(seen.shown).toEqual([]);
  expect(seen.opened).toEqual([]);
  expect(seen.lines.at(-1)).toMatch(/^warn: No login link could be read/);
});

test.each([
  ['the v0.3.1 wording', 'You are already logged in as AxAx Bxx', 'AxAx Bxx'],
  ['the wording with a second sentence', 'You are already logged in as AxAx Bxx. There is no need to log in again.', 'AxAx Bxx'],
  ['a name with initials and the second sentence', 'You are already logged in as R. K. Sharma. There is no need to log in again.', 'R. K. Sharma'],
  ['a name ending the sentence', 'You are already logged in as Ravi Kumar.', 'Ravi Kumar'],
  ['trailing lines', 'You are already logged in as AxAx Bxx\n\nAnything else?', 'AxAx Bxx'],
])('"already logged in" in %s gives the name and nothing more', async (_kind, text, name) => {
  expect(alreadyLoggedInAs(text)).toBe(name);
  const { deps, seen } = loginDeps();
  expect(await completeLogin({ text, isError: false }, deps)).toEqual({ status: 'already', userName: name });
  expect(seen.lines).toEqual([]);
});

test('alreadyLoggedInAs is undefined for a login text', () => {
  expect(alreadyLoggedInAs(loginText(HOSTED_LINK))).toBeUndefined();
});

test.each<LoginOutcome>([
  { status: 'logged-in', userName: 'AxAx Bxx' },
  { status: 'already', userName: 'AxAx Bxx' },
  { status: 'refused', reason: 'Refused to open the login link to evil.example: it is neither kite.zerodha.com nor the MCP server (mcp.kite.trade).' },
  { status: 'no-link', text: `Open ${HOSTED_LINK} or mcp.kite.trade/authorize?session_id=kitemcp-4f1c2b9e-8a7d-4c3b-9e1f-2a3b4c5d6e7f to log in, or javascript:go()` },
  { status: 'not-completed', link: HOSTED_LINK, waitedMs: 1000 },
  { status: 'session-lost' },
])('the model is told about a $status login without any link or session id', (outcome) => {
  const message = loginMessageForModel(outcome);
  expect(message).not.toMatch(/https?:|javascript:|mcp\.kite\.trade|kite\.zerodha\.com\/|kitemcp-|session_id=/);
});
