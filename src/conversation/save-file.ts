/**
 * `/save [FILE]`: the conversation as Markdown (conversation/markdown.ts) in a new file of the person's, mode 0600
 * from the moment it exists. An existing file or a link in its place is never overwritten or followed; the default
 * name is `kite-chat-<date>-<time>.md` in the current folder. Answers with one line saying what happened.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { IST_OFFSET_MS } from '../portfolio/format.js';
import { conversationMarkdown } from './markdown.js';
import type { ConversationTurn } from './transcript.js';

/** Only the person should read what they asked about their money. */
const FILE_MODE = 0o600;
/** A new file only: O_EXCL refuses an existing one, and with O_CREAT a link in its place too. */
const NEW_FILE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);

export interface SaveContext {
  turns: readonly ConversationTurn[];
  model: string;
  now: Date;
  redact: (text: string) => string;
}

export async function saveConversationFile(argument: string, context: SaveContext): Promise<{ ok: boolean; line: string }> {
  if (context.turns.length === 0) return { ok: false, line: 'Nothing to save yet: ask a question first.' };
  const path = resolve(argument.trim() === '' ? defaultName(context.now) : argument.trim());
  const text = conversationMarkdown(context.turns, { savedAt: context.now, model: context.model, redact: context.redact });
  let file;
  try {
    file = await open(path, NEW_FILE, FILE_MODE);
  } catch (error) {
    return { ok: false, line: openFailure(path, error) };
  }
  try {
    await file.chmod(FILE_MODE); // whatever the umask left
    await file.writeFile(text);
  } finally {
    await file.close();
  }
  const count = `${context.turns.length} question${context.turns.length === 1 ? '' : 's'}`;
  return { ok: true, line: `Saved the conversation (${count}) to ${path} (readable by you only).` };
}

/** kite-chat-2025-08-06-150405.md, in IST. */
function defaultName(now: Date): string {
  const iso = new Date(now.getTime() + IST_OFFSET_MS).toISOString();
  return `kite-chat-${iso.slice(0, 10)}-${iso.slice(11, 19).replaceAll(':', '')}.md`;
}

function openFailure(path: string, error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : '';
  if (code === 'EEXIST' || code === 'ELOOP') {
    return `${path} already exists; /save writes only new files: give another name, e.g. /save conversation.md.`;
  }
  if (code === 'ENOENT') return `Cannot save to ${path}: its folder does not exist.`;
  if (code === 'EACCES' || code === 'EPERM') return `Cannot save to ${path}: permission denied.`;
  if (code === 'EISDIR') return `Cannot save to ${path}: it is a folder; give a file name.`;
  return `Cannot save to ${path}: ${error instanceof Error ? error.message : String(error)}.`;
}
