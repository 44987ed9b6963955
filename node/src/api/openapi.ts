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

const NodeInformation = z.object({
  name: z.string(),
  software: z.object({ name: z.literal('backup'), version: z.string() }),
  publicKeys: z.object({
    case: z.object({ alg: z.literal('x25519'), key: z.string() }).describe('the key reports are sealed to'),
  }),
  limits: z.object({
    maxReportBytes: z.number().int(),
    maxEvidenceBytes: z.number().int(),
    maxEvidenceFiles: z.number().int(),
  }),
  api: z.string().describe('where this document is'),
  logOrigin: z.string().describe('the origin line of the evidence log’s checkpoints'),
  logVerifierKey: z.string().describe('the log’s C2SP signed-note verifier key (Ed25519, type 0x01)'),
  witnessVerifierKey: z.string().describe('the C2SP verifier key of this node’s witness (cosignature/v1, type 0x04)'),
  peerId: z.string().describe('the libp2p peer id of the node’s federation endpoint'),
  checkpoint: z.string().describe('the path of the log’s latest checkpoint (C2SP tlog-tiles)'),
  witness: z.string().describe('the path of the witness’s add-checkpoint endpoint (C2SP tlog-witness)'),
});

// The log and its witness speak C2SP's plain-text formats, not JSON.
const PLAIN_TEXT = 'text/plain; charset=utf-8';
const plainText = { [PLAIN_TEXT]: { schema: { type: 'string' } } };
const text = (description: string) => ({ description, content: plainText });
const publicLogHeaders = {
  'Access-Control-Allow-Origin': {
    description: 'the log is public: any site may read it',
    schema: { type: 'string', const: '*' },
  },
};

/** C2SP tlog-tiles (the checkpoint, hash tiles, entry bundles) and C2SP tlog-witness. */
const logPaths = {
  '/log/checkpoint': {
    get: {
      summary: 'The log’s latest checkpoint with its witnesses’ cosignatures (C2SP tlog-tiles)',
      responses: {
        '200': {
          ...text(
            'a signed note: the checkpoint, the log’s signature and cosignature/v1 lines (C2SP tlog-cosignature)',
          ),
          headers: publicLogHeaders,
        },
        ...errors(404),
      },
    },
  },
  '/log/tile/{level}/{index}': {
    get: {
      summary: 'A hash tile or an entry bundle of the log (C2SP tlog-tiles)',
      description:
        'Any C2SP tlog-tiles tile path under /log/: `tile/<L>/<N>[.p/<W>]` for the hashes at level L (0–63), `tile/entries/<N>[.p/<W>]` for the entries. N is written in groups of three digits, all but the last prefixed with x (`x001/x234/067`), so it may span several path segments; `.p/<W>` asks for a partial tile of W (1–255) entries. A tile never changes once served.',
      parameters: [
        {
          name: 'level',
          in: 'path',
          required: true,
          schema: { type: 'string', pattern: '^(entries|[0-9]|[1-5][0-9]|6[0-3])$' },
        },
        {
          name: 'index',
          in: 'path',
          required: true,
          description: 'the tile index in its canonical form, with `.p/<W>` for a partial tile',
          schema: { type: 'string', pattern: '^(x[0-9]{3}/){0,5}[0-9]{3}(\\.p/[1-9][0-9]{0,2})?$' },
        },
      ],
      responses: {
        '200': {
          description: 'the tile’s hashes, or the entry bundle (2-byte big-endian length, then the entry, for each)',
          headers: {
            ...publicLogHeaders,
            'Cache-Control': { schema: { type: 'string', const: 'public, max-age=31536000, immutable' } },
          },
          content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } },
        },
        ...errors(404),
      },
    },
  },
  '/witness/add-checkpoint': {
    post: {
      summary: 'Ask this node’s witness to cosign a checkpoint of a log it trusts (C2SP tlog-witness)',
      requestBody: {
        required: true,
        ...text(
          '`old <size>`, the consistency proof from that size (one base64 hash a line), an empty line, then the signed checkpoint note',
        ),
      },
      responses: {
        '200': text('one cosignature/v1 signature line (C2SP tlog-cosignature)'),
        '400': {
          description:
            'the request is malformed, or its old size is larger than the checkpoint’s (text); or the body did not arrive whole (error)',
          content: { ...plainText, ...json(ErrorBody).content },
        },
        '403': text('no signature by a key of the log verifies'),
        '404': text('the witness does not cosign for this log origin'),
        '409': {
          description:
            'the old size is not the size the witness last cosigned for this log, which the text/x.tlog.size body gives (`<size>` and a newline); or the checkpoint has another root than the one cosigned at its size (text)',
          content: {
            'text/x.tlog.size': { schema: { type: 'string', pattern: '^[0-9]+\\n$' } },
            ...plainText,
          },
        },
        ...errors(413, 429),
        '422': text('the consistency proof does not verify'),
      },
    },
  },
};

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
          responses: { '200': json(NodeInformation) },
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
      ...logPaths,
    },
  };
}
