// The public API contract, generated from the same zod schemas that validate requests,
// so the document cannot drift from what the node accepts.
import { z } from 'zod';
import {
  FollowUpRequest,
  FollowUpStatus,
  MessageAccepted,
  MessageSubmission,
  ReportAccepted,
  ReportSubmission,
} from '../intake/index.ts';

const ErrorBody = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.array(z.string()).optional() }),
});

const json = (schema: z.ZodType) => ({
  content: { 'application/json': { schema: z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) } },
});
const errors = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [String(s), { description: 'error, with a stable code', ...json(ErrorBody) }]),
  );
const tusHeaders = {
  'Tus-Resumable': { in: 'header', required: true, schema: { type: 'string', const: '1.0.0' } },
  Authorization: { in: 'header', required: true, schema: { type: 'string', pattern: '^Receipt [A-Za-z0-9_-]{43}$' } },
};
const headerParams = (...names: (keyof typeof tusHeaders)[]) => names.map((name) => ({ name, ...tusHeaders[name] }));
const idParam = { name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}$' } };

export function openApiDocument(version: string): object {
  return {
    openapi: '3.1.0',
    info: {
      title: 'BackUp node API',
      version,
      description:
        'Anonymous intake of encrypted reports and evidence. Reports and evidence are encrypted on the reporter’s device; see docs/formats.md for the envelope formats.',
    },
    servers: [{ url: '/' }],
    paths: {
      '/api/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
      '/api/v1/health': {
        get: {
          summary: 'Liveness for operators',
          responses: {
            '200': json(z.object({ status: z.literal('ok') })),
            '503': json(z.object({ status: z.literal('unavailable') })),
          },
        },
      },
      '/api/v1/node': {
        get: {
          summary: 'The node’s public information and keys',
          responses: { '200': { description: 'name, software version, public keys, limits' } },
        },
      },
      '/api/v1/pow': {
        get: {
          summary: 'The current proof-of-work seed and difficulty for anonymous submissions',
          responses: {
            '200': json(z.object({ seed: z.string(), difficulty: z.number(), expiresInSeconds: z.number() })),
          },
        },
      },
      '/api/v1/reports': {
        post: {
          summary: 'Submit a sealed report',
          parameters: [
            {
              name: 'backup-pow',
              in: 'header',
              required: true,
              schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{22}\\.[0-9a-f]{16}$' },
            },
          ],
          requestBody: { required: true, ...json(ReportSubmission) },
          responses: { '201': json(ReportAccepted), ...errors(400, 403, 409, 413, 415, 429) },
        },
      },
      '/api/v1/followup': {
        post: {
          summary: 'Status of a report and its sealed message thread, by its receipt’s lookup value',
          requestBody: { required: true, ...json(FollowUpRequest) },
          responses: { '200': json(FollowUpStatus), ...errors(400, 404, 413, 415, 429) },
        },
      },
      '/api/v1/messages': {
        post: {
          summary: 'Add the reporter’s sealed message to the thread of a report, by its receipt’s lookup value',
          requestBody: { required: true, ...json(MessageSubmission) },
          responses: { '201': json(MessageAccepted), ...errors(400, 404, 413, 415, 422, 429) },
        },
      },
      '/api/v1/evidence': {
        options: {
          summary: 'tus capabilities',
          responses: { '204': { description: 'Tus-Version, Tus-Extension, Tus-Max-Size' } },
        },
        post: {
          summary: 'Create a resumable evidence upload (tus creation extension)',
          parameters: [
            ...headerParams('Tus-Resumable', 'Authorization'),
            { name: 'Upload-Length', in: 'header', required: true, schema: { type: 'integer', minimum: 0 } },
            {
              name: 'Upload-Metadata',
              in: 'header',
              required: true,
              description:
                'Exactly one tus metadata pair, `commitment <base64>`: the base64 (as tus encodes values) of the base64url of the file’s 32-byte evidence commitment, made on the reporter’s device and logged when the upload completes. Any other key: 400 metadata-not-accepted; none: 400 commitment-required; malformed: 400 commitment-invalid.',
              schema: { type: 'string', pattern: '^commitment [A-Za-z0-9+/]{58}==$' },
            },
          ],
          responses: {
            '201': { description: 'created; Location holds the upload URL' },
            ...errors(400, 403, 404, 412, 413, 422, 429, 507),
          },
        },
      },
      '/api/v1/evidence/{id}': {
        head: {
          summary: 'Current offset of an upload (tus)',
          parameters: [idParam, ...headerParams('Tus-Resumable', 'Authorization')],
          responses: {
            '200': { description: 'Upload-Offset and Upload-Length headers' },
            ...errors(403, 404, 410, 412),
          },
        },
        patch: {
          summary: 'Append encrypted bytes at Upload-Offset (tus)',
          parameters: [
            idParam,
            ...headerParams('Tus-Resumable', 'Authorization'),
            { name: 'Upload-Offset', in: 'header', required: true, schema: { type: 'integer', minimum: 0 } },
          ],
          requestBody: {
            required: true,
            content: { 'application/offset+octet-stream': { schema: { type: 'string', format: 'binary' } } },
          },
          responses: {
            '204': {
              description:
                'stored durably; Upload-Offset is the new offset. The last byte’s answer comes after the file’s commitment and its "received" custody event are in the node’s log',
            },
            ...errors(400, 403, 404, 409, 410, 412, 413, 415, 423),
          },
        },
      },
    },
  };
}
