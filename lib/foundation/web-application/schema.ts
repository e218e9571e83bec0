/** The WebApplication abstraction's fields: the single source of its RGD schema and its TypeScript type. */
import { PINNED_IMAGE_PATTERN } from '../../shared/names';
import { fields, SpecOf } from '../../shared/fields';
import { EGRESS_FIELD } from '../egress';
import { BYTES_PATTERN, CPU_PATTERN, HOSTNAME_PATTERN, OPTIONAL_NAME_PATTERN, PATH_PATTERN } from '../../shared/patterns';

/** The most replicas a WebApplication may ask for. */
export const MAX_REPLICAS = 10;

export const WEB_APPLICATION_FIELDS = fields({
  image: {
    type: 'string', required: true, pattern: PINNED_IMAGE_PATTERN, maxLength: 255,
    patternHint: 'an image reference with a tag other than latest, or a digest, e.g. ghcr.io/team/app:1.2.3',
    description: 'Container image, pinned by tag or digest',
  },
  replicas: { type: 'integer', default: 1, minimum: 1, maximum: MAX_REPLICAS, description: 'Number of pods' },
  hostname: {
    type: 'string', required: true, pattern: HOSTNAME_PATTERN, maxLength: 253, patternHint: 'a DNS name such as team-a-shop.localtest.me',
    description: 'Host name routed to the application through the shared Gateway; the workspace owns <workspace>.<domain> and <workspace>-<name>.<domain>',
  },
  port: { type: 'integer', default: 8080, minimum: 1024, maximum: 65535, description: 'Port the container listens on (unprivileged)' },
  healthPath: { type: 'string', default: '/', pattern: PATH_PATTERN, patternHint: 'an absolute HTTP path', description: 'HTTP path for readiness and liveness probes' },
  resources: {
    type: 'object', description: 'Requests and limits of the application container',
    fields: {
      cpu: { type: 'string', default: '250m', pattern: CPU_PATTERN, patternHint: 'a CPU quantity such as 250m', description: 'CPU request and limit' },
      memory: { type: 'string', default: '256Mi', pattern: BYTES_PATTERN, patternHint: 'a quantity such as 256Mi', description: 'Memory request and limit' },
    },
  },
  database: {
    type: 'string', default: '', pattern: OPTIONAL_NAME_PATTERN, maxLength: 63, patternHint: 'the name of an Infrastructure in the same workspace',
    description: 'Infrastructure (in the same workspace) whose connection details the app receives',
  },
  topic: {
    type: 'string', default: '', pattern: OPTIONAL_NAME_PATTERN, maxLength: 63, patternHint: 'the name of a Topic in the same workspace',
    description: 'Topic (in the same workspace) whose connection details the app receives',
  },
  egress: EGRESS_FIELD,
});

/** The WebApplication instance spec. */
export type WebApplicationSpec = SpecOf<typeof WEB_APPLICATION_FIELDS>;
