/**
 * Test helper: a strict multipart/form-data parser (RFC 7578, framing of RFC 2046 §5.1.1),
 * so stub servers read an upload from its bytes on the wire rather than trusting the client.
 * It throws on anything malformed, which fails the test that sent it.
 */

export interface MultipartPart {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer;
}

export interface MultipartForm {
  parts: MultipartPart[];
  /** The text of the field called `name`; throws unless there is exactly one. */
  field(name: string): string;
  /** The part called `name` that carries a file; throws unless there is exactly one. */
  file(name: string): MultipartPart;
  /** Names of the parts, in the order they came. */
  names(): string[];
}

const CRLF = '\r\n';

function boundaryOf(contentType: string | undefined): string {
  const match = /^multipart\/form-data;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(
    contentType ?? '',
  );
  if (!match) throw new Error(`not multipart/form-data with a boundary: ${contentType}`);
  return match[1] ?? match[2];
}

function parsePartHeaders(text: string): Omit<MultipartPart, 'data'> {
  const headers = new Map<string, string>();
  for (const line of text.split(CRLF)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new Error(`malformed part header: ${JSON.stringify(line)}`);
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  const disposition = headers.get('content-disposition') ?? '';
  if (!/^form-data\s*;/i.test(disposition)) {
    throw new Error(`part without Content-Disposition: form-data: ${disposition}`);
  }
  const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
  if (name === undefined) throw new Error(`part without a name: ${disposition}`);
  const filename = /;\s*filename="([^"]*)"/i.exec(disposition)?.[1];
  return { name, filename, contentType: headers.get('content-type') };
}

export function parseMultipart(body: Buffer, contentType: string | undefined): MultipartForm {
  const boundary = boundaryOf(contentType);
  const delimiter = Buffer.from(`${CRLF}--${boundary}`);
  // The body starts with the first delimiter (no preamble from fetch); prefix CRLF to match.
  const text = Buffer.concat([Buffer.from(CRLF), body]);
  const parts: MultipartPart[] = [];
  let at = text.indexOf(delimiter);
  if (at !== 0) throw new Error('body does not start with the boundary');
  for (;;) {
    at += delimiter.length;
    const after = text.subarray(at, at + 2).toString('latin1');
    if (after === '--') break;
    if (after !== CRLF) throw new Error(`bad bytes after a boundary: ${JSON.stringify(after)}`);
    const headersEnd = text.indexOf(`${CRLF}${CRLF}`, at + 2);
    if (headersEnd < 0) throw new Error('part headers do not end');
    const next = text.indexOf(delimiter, headersEnd + 4);
    if (next < 0) throw new Error('part is not closed by a boundary');
    const headers = parsePartHeaders(text.subarray(at + 2, headersEnd).toString('utf8'));
    parts.push({ ...headers, data: Buffer.from(text.subarray(headersEnd + 4, next)) });
    at = next;
  }
  return formOf(parts);
}

function formOf(parts: MultipartPart[]): MultipartForm {
  const only = (name: string, file: boolean): MultipartPart => {
    const found = parts.filter((p) => p.name === name && (p.filename !== undefined) === file);
    if (found.length !== 1) throw new Error(`expected one ${file ? 'file' : 'field'} ${name}`);
    return found[0];
  };
  return {
    parts,
    field: (name) => only(name, false).data.toString('utf8'),
    file: (name) => only(name, true),
    names: () => parts.map((p) => p.name),
  };
}
