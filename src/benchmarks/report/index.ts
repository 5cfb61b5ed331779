export { renderMarkdown, campaignTitle } from './markdown';
export { renderComparisonMarkdown } from './comparison-markdown';
export { renderCsv, CSV_HEADER } from './csv';
export { renderJson, type BenchReportJson } from './json';
export { renderSvg, chartSpec, needsLogScale, LOG_SCALE_RATIO } from './svg';
