export {
  aggregateRuns,
  renderAggregateMarkdown,
  type CheckAggregate,
  type FigureStats,
  type RunAggregate,
} from './aggregate.js';
export { buildReport, renderJson, type ReportInput } from './build-report.js';
export { renderAggregateHtml, type RunLink } from './html/aggregate-page.js';
export { renderHtml, type PageReport } from './html/page.js';
export { renderJsonSchemas, writeJsonSchemas } from './json-schemas.js';
export { renderJunit } from './junit.js';
export { renderMarkdown } from './markdown.js';
export { REPORT_SCHEMA_VERSION, reportSchema, type Report } from './schema.js';
export { renderTimeline, TIMELINE_LEGEND } from './timeline.js';
export { writeAggregate, writeReport, type ReportPaths } from './write-report.js';
