// `kite-chat doctor` against the fake of Kite's next server (OAuth 2.1, seven mode tools), spawned as a user runs it:
// before any authorization it says what to run and starts none (no browser, no client registered); after
// `kite-chat login` it uses the saved token (no new authorization) and names the account from `portfolio` profile.
import { startFakeKiteNext } from '../../support/fake-kite-next/index.js';
import { expect, test } from '../../support/fixtures.js';
import { BROWSER_OAUTH, browserLaunches } from '../../support/run-cli.js';
import type { ScriptedStep } from '../../support/scripted-openai.js';

const CALLS_THE_FUNCTION: ScriptedStep = { toolCalls: [{ name: 'record_word', arguments: { word: 'kite' } }] };

test.override({ browser: BROWSER_OAUTH });

/** The doctor's stdout as "status name" per line, and the detail of the line named `name`. */
function statuses(stdout: string): string[] {
  return stdout.trim().split('\n').map((line) => line.split(' ').slice(0, 2).join(' '));
}
function detailOf(stdout: string, name: string): string {
  const line = stdout.trim().split('\n').find((candidate) => candidate.split(' ')[1] === name) ?? '';
  return line.split(' ').slice(2).join(' ');
}

test('before any authorization: warn lines that say what to run, exit 0, and no authorization started', async ({ closeAfter, model, cli, browserLog }) => {
  const kite = closeAfter(await startFakeKiteNext());
  model.push(CALLS_THE_FUNCTION);

  const run = await cli(['doctor', '--url', kite.mcpUrl]);

  expect(statuses(run.stdout)).toEqual(['ok config', 'warn mcp-server', 'warn tools', 'warn login', 'ok model', 'ok tool-calling']);
  expect(run.code).toBe(0); // not being logged in is a warn, never a fail (CONTRACT.md)
  expect(detailOf(run.stdout, 'mcp-server')).toContain('wants an OAuth authorization');
  expect(detailOf(run.stdout, 'login')).toBe(`not authorized: run \`kite-chat login --url ${kite.mcpUrl}\``);
  expect(await browserLaunches(browserLog)).toEqual([]);
  expect(kite.counters).toMatchObject({ registrations: 0, authorizations: 0, tokenRequests: 0 });
});

test('after kite-chat login: the saved token is used, the account is named, and no new authorization is asked for', async ({ closeAfter, model, cli, browserLog }) => {
  const kite = closeAfter(await startFakeKiteNext());
  const login = await cli(['login', '--url', kite.mcpUrl]);
  expect(login.code).toBe(0);
  const account = /^Logged in to Kite as (.+)\.\n$/.exec(login.stdout)?.[1] ?? '';
  expect(account).not.toBe('');
  const before = { ...kite.counters };
  model.push(CALLS_THE_FUNCTION);

  const run = await cli(['doctor', '--url', kite.mcpUrl]);

  expect(statuses(run.stdout)).toEqual(['ok config', 'ok mcp-server', 'ok tools', 'ok login', 'ok model', 'ok tool-calling']);
  expect(run.code).toBe(0);
  expect(detailOf(run.stdout, 'tools')).toMatch(/^7 tools /);
  expect(detailOf(run.stdout, 'login')).toContain(`logged in as ${account}`);
  expect(kite.counters).toMatchObject({ registrations: before.registrations, authorizations: before.authorizations });
  expect(await browserLaunches(browserLog, 1)).toHaveLength(1); // the login's, and none since
  const called = kite.requests.flatMap((request) => (request.tool === undefined ? [] : [`${request.tool} ${String(request.arguments?.['mode'])}`]));
  expect(called.filter((call) => !call.startsWith('portfolio profile'))).toEqual([]);
});
