/**
 * The campaign report's Markdown (GET /api/benchmarks/:id/report?format=md) as HTML: its
 * headings, pipe tables and paragraphs; nothing else of Markdown is needed for it. Text
 * goes in as text, never as HTML.
 */
export function MarkdownTables({ text }: { text: string }) {
  const blocks: preact.JSX.Element[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('|')) {
      const rows: string[][] = [];
      while (i < lines.length && lines[i].startsWith('|')) rows.push(cells(lines[i++]));
      i--;
      const [head, rule, ...body] = rows;
      const hasRule = rule?.every((c) => /^:?-+:?$/.test(c));
      blocks.push(
        <div class="scroll" key={i}>
          <table class="compact report">
            <thead>
              <tr>
                {head.map((c, j) => (
                  <th scope="col" key={j}>
                    {c}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {(hasRule ? body : [rule, ...body]).filter(Boolean).map((r, k) => (
                <tr key={k}>
                  {r.map((c, j) =>
                    j === 0 ? (
                      <th scope="row" key={j}>
                        {c}
                      </th>
                    ) : (
                      <td key={j}>{c}</td>
                    ),
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>,
      );
    } else if (/^#{1,6} /.test(line)) {
      const level = Math.min(6, line.indexOf(' ') + 1);
      const Tag = `h${Math.max(3, level)}` as 'h3';
      blocks.push(<Tag key={i}>{line.replace(/^#+ /, '')}</Tag>);
    } else if (line.trim()) {
      blocks.push(<p key={i}>{line.replace(/\*\*|`/g, '')}</p>);
    }
  }
  return <div class="markdown">{blocks}</div>;
}

function cells(line: string): string[] {
  return line
    .replace(/^\|/, '')
    .replace(/\|\s*$/, '')
    .split('|')
    .map((c) => c.trim().replace(/\*\*|`/g, ''));
}
