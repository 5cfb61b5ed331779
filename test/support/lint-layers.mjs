// Lints texts with the project's ESLint config, only the layers rule, outside Jest (whose
// VM cannot import the ESM config): stdin [{file, text}], stdout the layer messages of each.
import { ESLint } from 'eslint';

const cases = JSON.parse(
  await new Promise((resolve) => {
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () => resolve(input));
  }),
);
const eslint = new ESLint({ ruleFilter: ({ ruleId }) => ruleId === 'vmfleet/layers' });
const out = [];
for (const { file, text } of cases) {
  const [result] = await eslint.lintText(text, { filePath: file });
  out.push(result.messages.map((m) => m.message));
}
process.stdout.write(JSON.stringify(out));
