import { parseMultipart } from './multipart';

/** A body as fetch (undici) serialises a FormData, with the Content-Type it chose. */
async function serialise(form: FormData): Promise<{ body: Buffer; type: string }> {
  const request = new Request('http://stub/', { method: 'POST', body: form });
  const body = Buffer.from(await request.arrayBuffer());
  return { body, type: request.headers.get('content-type') ?? '' };
}

function rawForm(boundary: string, ...parts: string[]): Buffer {
  return Buffer.from(
    parts.map((p) => `--${boundary}\r\n${p}\r\n`).join('') + `--${boundary}--\r\n`,
  );
}

describe('parseMultipart (test helper)', () => {
  it('reads what fetch sends: fields, then a file with its name, type and bytes', async () => {
    const form = new FormData();
    form.set('name', 'blinky');
    form.set('note', 'ünïcode\r\nand lines');
    const bytes = Buffer.from([0x0d, 0x0a, 0x2d, 0x2d, 0x00, 0xff]);
    form.set('file', new Blob([bytes], { type: 'application/octet-stream' }), 'a.m1');
    const { body, type } = await serialise(form);
    const parsed = parseMultipart(body, type);
    expect(parsed.names()).toEqual(['name', 'note', 'file']);
    expect(parsed.field('name')).toBe('blinky');
    expect(parsed.field('note')).toBe('ünïcode\r\nand lines');
    expect(parsed.file('file')).toMatchObject({
      filename: 'a.m1',
      contentType: 'application/octet-stream',
    });
    expect(parsed.file('file').data.equals(bytes)).toBe(true);
  });

  it('takes a quoted boundary', () => {
    const body = rawForm('b-1', 'Content-Disposition: form-data; name="x"\r\n\r\n42');
    expect(parseMultipart(body, 'multipart/form-data; boundary="b-1"').field('x')).toBe('42');
  });

  it.each([
    ['a JSON body', Buffer.from('{}'), 'application/json', /not multipart/],
    [
      'an unterminated part',
      Buffer.from('--b\r\nContent-Disposition: form-data; name="x"\r\n\r\n42'),
      'multipart/form-data; boundary=b',
      /not closed/,
    ],
    [
      'a part without a name',
      rawForm('b', 'Content-Disposition: form-data; filename="a"\r\n\r\n42'),
      'multipart/form-data; boundary=b',
      /without a name/,
    ],
    [
      'a body that skips the boundary',
      Buffer.from('junk'),
      'multipart/form-data; boundary=b',
      /does not start with the boundary/,
    ],
  ])('throws on %s', (_what, body, type, message) => {
    expect(() => parseMultipart(body, type)).toThrow(message);
  });

  it('refuses to guess when a field is missing or repeated', () => {
    const body = rawForm(
      'b',
      'Content-Disposition: form-data; name="x"\r\n\r\n1',
      'Content-Disposition: form-data; name="x"\r\n\r\n2',
    );
    const form = parseMultipart(body, 'multipart/form-data; boundary=b');
    expect(() => form.field('x')).toThrow('expected one field x');
    expect(() => form.file('x')).toThrow('expected one file x');
  });
});
