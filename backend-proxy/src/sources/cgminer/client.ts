// CGMiner API over TCP: one command per connection (the miner closes after replying), JSON
// request `{"command":"summary+pools"}`, reply terminated by a NUL byte or by the close.
// Read-only allow-list checked before the socket opens. I/O only: parsing lives in repair.ts
// and model.ts.
import { UpstreamError } from '../types.js';
import { assertReadOnly, type ReadOnlyCommand } from './commands.js';
import { MinerJsonError, parseMinerJson, type RepairKind } from './repair.js';
import { nulExchange, type Exchange, type ExchangeOptions, type MinerEndpoint } from './tcp.js';

export type { MinerEndpoint } from './tcp.js';

export interface ClientOptions extends ExchangeOptions {
  /** where the CGMiner exchanges run: on this thread (the default) or on I/O threads (ioThreads.ts) */
  exchange?: Exchange;
}

export interface StatusEntry {
  STATUS?: string;
  When?: number;
  Code?: number;
  Msg?: unknown;
  Description?: string;
}

/** One command's reply: `STATUS` plus its data arrays (`SUMMARY`, `POOLS`, `STATS` …). */
export type ReplyDocument = Record<string, unknown> & { STATUS?: StatusEntry[] | StatusEntry | string };

export interface CommandResult {
  documents: Partial<Record<ReadOnlyCommand, ReplyDocument>>;
  /** members of a `+` request the miner refused (E/F STATUS), with its message; left out of `documents` */
  refused: Partial<Record<ReadOnlyCommand, string>>;
  repairs: RepairKind[];
  bytes: number;
}

/** The miner answered with an E/F STATUS (invalid command, access denied, no devices …). */
export class CgminerStatusError extends UpstreamError {
  override name = 'CgminerStatusError';
  constructor(
    message: string,
    readonly statusCode: number | undefined,
    readonly statusLetter: string,
    /** the STATUS `Description`: btminer names itself there ("whatsminer v1.1") even when refusing */
    readonly description = ''
  ) {
    super(message, statusCode, false);
  }
}

/** Sends read-only commands as one `+`-joined request and returns each command's document. */
export async function sendCommands(
  endpoint: MinerEndpoint,
  commands: readonly string[],
  options: ClientOptions
): Promise<CommandResult> {
  assertReadOnly(commands); // before any socket exists
  // allow-listed plain words: nothing in them needs JSON escaping
  const raw = await (options.exchange ?? nulExchange)(endpoint, `{"command":"${commands.join('+')}"}`, options);
  let parsed: ReturnType<typeof parseMinerJson>;
  try {
    parsed = parseMinerJson(raw.text);
  } catch (error) {
    if (error instanceof MinerJsonError) throw new UpstreamError(error.message, 'bad-json');
    throw error;
  }
  const all = splitDocuments(parsed.value, commands as readonly ReadOnlyCommand[]);
  // cgminer answers each member of a `+` request on its own, an unknown one with its own
  // "Invalid command" (ckolivas/cgminer@b8491c6:api.c:5172-5180): one refused member (a
  // Braiins `tunerstatus` older firmware lacks) must not cost the others. Only when every
  // member was refused is the request an error.
  const documents: Partial<Record<ReadOnlyCommand, ReplyDocument>> = {};
  const refused: Partial<Record<ReadOnlyCommand, string>> = {};
  // a refusal stays a plain record (no Error and its stack trace: a fleet where every miner
  // refuses one member would build one per miner per poll); only an all-refused request throws
  let firstRefusal: StatusRefusal | undefined;
  let answered = false;
  for (const key in all) {
    const command = key as ReadOnlyCommand;
    const document = all[command]!;
    const refusal = statusRefusal(command, document);
    if (refusal) {
      refused[command] = refusal.message;
      firstRefusal ??= refusal;
    } else {
      documents[command] = document;
      answered = true;
    }
  }
  if (firstRefusal && !answered)
    throw new CgminerStatusError(firstRefusal.message, firstRefusal.code, firstRefusal.letter, firstRefusal.description);
  return { documents, refused, repairs: parsed.repairs, bytes: raw.bytes };
}

/** Maps a (possibly multi-command or concatenated) reply to one document per command. */
export function splitDocuments(
  value: unknown,
  commands: readonly ReadOnlyCommand[]
): Partial<Record<ReadOnlyCommand, ReplyDocument>> {
  const out: Partial<Record<ReadOnlyCommand, ReplyDocument>> = {};
  if (Array.isArray(value)) {
    // concatenated top-level documents, one per command in order
    value.forEach((doc, index) => {
      const command = commands[index];
      if (command && isObject(doc)) out[command] = doc as ReplyDocument;
    });
    return out;
  }
  if (!isObject(value)) throw new UpstreamError('miner reply is not a JSON object', 'bad-json');
  if (commands.length === 1 || 'STATUS' in value) {
    // single command, or a multi-command refused as a whole (one STATUS for all)
    for (const command of commands) out[command] = value as ReplyDocument;
    return out;
  }
  // cgminer multi-command: {"summary":[{STATUS…,SUMMARY…}],"pools":[{…}],"id":1}
  for (const command of commands) {
    const entry = (value as Record<string, unknown>)[command];
    const doc = Array.isArray(entry) ? entry[0] : entry;
    if (isObject(doc)) out[command] = doc as ReplyDocument;
  }
  return out;
}

interface StatusRefusal {
  message: string;
  code: number | undefined;
  letter: string;
  description: string;
}

function statusRefusal(command: string, document: ReplyDocument): StatusRefusal | undefined {
  const status = Array.isArray(document.STATUS) ? document.STATUS[0] : document.STATUS;
  // btminer's own commands (and its refusals) send STATUS as a bare letter with Code/Msg/
  // Description beside it: {"STATUS":"E","When":…,"Code":14,"Msg":"invalid cmd","Description":"whatsminer v1.1"}
  const bare = typeof status === 'string';
  const letter = bare ? status : status?.STATUS;
  const code = bare ? asNumber(document.Code) : status?.Code;
  const msg = bare ? document.Msg : status?.Msg;
  const description = bare ? document.Description : status?.Description;
  if (letter !== 'E' && letter !== 'F') return undefined;
  const text = typeof msg === 'string' ? msg.slice(0, 200) : 'error';
  return {
    message: `${command}: miner replied ${letter}${code !== undefined ? ` code ${code}` : ''}: ${text}`,
    code,
    letter,
    description: typeof description === 'string' ? description.slice(0, 200) : '',
  };
}

function asNumber(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
