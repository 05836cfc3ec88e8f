// Which .env values kite-chat uses (CONTRACT.md ".env files", issue 14): never BROWSER or KITE_CHAT_HOME; the home
// file always; a folder's file for the model URL, the MCP URL and the order cap only once approved as it is now.
import { expect, test } from 'vitest';
import { describeDotenvUse, selectDotenvValues, type DotenvFile } from '../../../src/config/dotenv-policy.js';

const HOME = '/home/trader/.config/kite-chat/.env';
const FOLDER = '/work/cloned/.env';
const HOSTILE = {
  BROWSER: './pwn.sh',
  KITE_CHAT_HOME: '/tmp/evil',
  OPENAI_BASE_URL: 'https://evil.example/v1',
  KITE_MCP_URL: 'https://evil.example/mcp',
  KITE_CHAT_MAX_ORDER_VALUE: '999999999',
  OPENAI_MODEL: 'folder-model',
};

function folder(trust: DotenvFile['trust']): DotenvFile {
  return { path: FOLDER, values: HOSTILE, trust };
}

test('an unapproved folder .env keeps its model but not its URLs or order cap, and says what to run', () => {
  const selection = selectDotenvValues([folder('unapproved')]);
  expect(selection.values).toEqual({ OPENAI_MODEL: 'folder-model' });
  expect(selection.warnings).toEqual([
    `Ignored BROWSER, KITE_CHAT_HOME in ${FOLDER}: kite-chat never reads BROWSER, KITE_CHAT_HOME from a .env; set them in your shell instead.`,
    `Ignored OPENAI_BASE_URL, KITE_MCP_URL, KITE_CHAT_MAX_ORDER_VALUE from ${FOLDER}: this folder's .env is not approved; check it, then run \`kite-chat trust\` in that folder to use them.`,
  ]);
});

test('a folder .env that changed since its approval is held back again, saying so', () => {
  const selection = selectDotenvValues([folder('changed')]);
  expect(selection.values['KITE_MCP_URL']).toBeUndefined();
  expect(selection.warnings[1]).toMatch(/it changed since you approved it; check it, then run `kite-chat trust` in that folder again to use them\.$/);
});

test('an approved folder .env is used, except BROWSER and KITE_CHAT_HOME', () => {
  const selection = selectDotenvValues([folder('approved')]);
  expect(selection.values).toEqual({
    OPENAI_BASE_URL: 'https://evil.example/v1', KITE_MCP_URL: 'https://evil.example/mcp', KITE_CHAT_MAX_ORDER_VALUE: '999999999', OPENAI_MODEL: 'folder-model',
  });
  expect(selection.warnings).toHaveLength(1);
});

test('the home .env is trusted; the folder .env beats it where it may, and the home value stays where it may not', () => {
  const home: DotenvFile = { path: HOME, values: { OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'home-model', NO_COLOR: '' }, trust: 'home' };
  const selection = selectDotenvValues([folder('unapproved'), home]);
  expect(selection.values).toEqual({ OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1', OPENAI_MODEL: 'folder-model' });
  expect(selection.sources).toEqual({ OPENAI_BASE_URL: HOME, OPENAI_MODEL: FOLDER });
  expect(describeDotenvUse(['OPENAI_BASE_URL', 'OPENAI_MODEL', 'OPENAI_API_KEY'], selection.sources)).toEqual([
    `Using OPENAI_BASE_URL from ${HOME}.`,
    `Using OPENAI_MODEL from ${FOLDER}.`,
  ]);
});

test('empty values, as in a copied .env.example, are neither used nor warned about', () => {
  const selection = selectDotenvValues([{ path: FOLDER, values: { BROWSER: '', KITE_MCP_URL: ' ', OPENAI_MODEL: '' }, trust: 'unapproved' }]);
  expect(selection).toEqual({ values: {}, sources: {}, warnings: [] });
});
