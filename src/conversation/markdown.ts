/**
 * A conversation as Markdown for `/save`: a heading with when and with which model, then each question, one line per
 * tool call (name, arguments, ok or failed) and the answer. Nothing secret: the whole text passes the redactor (keys,
 * session ids, signed parameters) and every link loses its query, where Kite's signed login session lives. Pure.
 */
import { istTime } from '../portfolio/format.js';
import { redactLink } from '../redact.js';
import type { ConversationTurn, ToolCallRecord } from './transcript.js';

/** A tool line shows this much of the arguments; the audit log has them whole. */
const MAX_ARGUMENT_CHARS = 160;
/** Any http(s) link in prose, up to a space or a character that cannot end one in Markdown; a redaction inside it is part of it. */
const LINK = /https?:\/\/(?:\[redacted\]|[^\s<>"'`)\]])+/g;

export function conversationMarkdown(
  turns: readonly ConversationTurn[],
  context: { savedAt: Date; model: string; redact: (text: string) => string },
): string {
  const count = `${turns.length} question${turns.length === 1 ? '' : 's'}`;
  const sections = turns.flatMap((turn, index) => [
    `## Question ${index + 1}`,
    '',
    turn.question,
    '',
    ...(turn.tools.length === 0 ? [] : [...turn.tools.map(toolLine), '']),
    `## Answer ${index + 1}`,
    '',
    turn.answer.trim() === '' ? '_(no answer)_' : turn.answer,
    '',
  ]);
  const text = [
    '# kite-chat conversation',
    '',
    `Saved ${istTime(context.savedAt)} · model ${context.model} · ${count}`,
    '',
    ...sections,
  ].join('\n');
  return context.redact(text).replace(LINK, (link) => redactLink(link));
}

function toolLine(call: ToolCallRecord): string {
  const args = JSON.stringify(call.arguments);
  const shown = args.length > MAX_ARGUMENT_CHARS ? `${args.slice(0, MAX_ARGUMENT_CHARS - 1)}…` : args;
  return `- tool \`${call.name}\` ${shown} · ${call.isError ? 'failed' : 'ok'}`;
}
