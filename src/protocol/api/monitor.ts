import { z, type ZodType } from 'zod';
import {
  injectResultSchema,
  loadResultSchema,
  memoryResultSchema,
  registersResultSchema,
  REPLY_RESULT_SCHEMAS,
  replyFaultSchema,
  type ReplyFault,
  stateResultSchema,
  statusResultSchema,
  type StatusResult,
  stepResultSchema,
} from '../monitor-results';

/*
 * Thing Monitor over REST (`POST /api/devices/:id/monitor`): the results are the protocol's
 * own schemas (docs/protocol.md §9.3), which the gateway checks every device reply against
 * before it answers.
 */

export const faultSchema = replyFaultSchema;
export type Fault = ReplyFault;
export const monitorStatusSchema = statusResultSchema;
export type MonitorStatus = StatusResult;

/** The REST monitor ops: every command op of §9.2 but `bench`, which only campaigns send. */
const monitorResultSchemas = Object.fromEntries(
  Object.entries(REPLY_RESULT_SCHEMAS).filter(([op]) => op !== 'bench'),
) as Omit<typeof REPLY_RESULT_SCHEMAS, 'bench'>;

export type MonitorOp = keyof typeof monitorResultSchemas;
export const MONITOR_OPS = Object.keys(monitorResultSchemas) as MonitorOp[];
export type MonitorResult<Op extends MonitorOp> = z.infer<(typeof monitorResultSchemas)[Op]>;

/** `POST /api/devices/:id/monitor` answers `{id, op, result}`; the result's shape depends on op. */
export interface MonitorReply<Op extends MonitorOp> {
  id: string;
  op: string;
  result: MonitorResult<Op>;
  [key: string]: unknown;
}

export function monitorReplySchema<Op extends MonitorOp>(op: Op): ZodType<MonitorReply<Op>> {
  const schema = z.looseObject({
    id: z.string(),
    op: z.string(),
    result: monitorResultSchemas[op],
  });
  // zod cannot relate the generic key to the schema picked for it; the shapes match by construction.
  return schema as unknown as ZodType<MonitorReply<Op>>;
}

/** The reply of any op, for the OpenAPI document: the result is one of the per-op shapes. */
export const anyMonitorReplySchema = z.looseObject({
  id: z.string(),
  op: z.string(),
  result: z.union(Object.values(monitorResultSchemas)),
});

export {
  injectResultSchema,
  loadResultSchema,
  memoryResultSchema,
  registersResultSchema,
  stateResultSchema,
  stepResultSchema,
};
export type {
  InjectResult,
  LoadResult,
  MemoryResult,
  RegistersResult,
  StepResult,
} from '../monitor-results';
