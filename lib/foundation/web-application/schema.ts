/** The WebApplication abstraction's fields: the single source of its RGD schema and its TypeScript type. */
import { fields, SpecOf } from '../../shared/fields';
import { EGRESS_FIELD } from '../egress';
import { HOSTNAME_PATTERN, OPTIONAL_PATH_PATTERN, PATH_PATTERN } from '../../shared/patterns';
import { CONTAINER_FIELDS } from '../container';

/** The most replicas a WebApplication may ask for (also the autoscaler's ceiling). */
export const MAX_REPLICAS = 10;

const { image, ...container } = CONTAINER_FIELDS;

export const WEB_APPLICATION_FIELDS = fields({
  image,
  replicas: {
    type: 'integer', default: 1, minimum: 0, maximum: MAX_REPLICAS,
    description: 'Number of pods; 0 pauses the app (its Deployment keeps no pod). Unused while autoscaling is enabled',
  },
  hostname: {
    type: 'string', required: true, pattern: HOSTNAME_PATTERN, maxLength: 253, patternHint: 'a DNS name such as team-a-shop.localtest.me',
    description: 'Host name routed to the application through the shared Gateway; the workspace owns <workspace>.<domain> and <workspace>-<name>.<domain>',
  },
  port: { type: 'integer', default: 8080, minimum: 1024, maximum: 65535, description: 'Port the container listens on (unprivileged)' },
  healthPath: { type: 'string', default: '/', pattern: PATH_PATTERN, patternHint: 'an absolute HTTP path', description: 'HTTP path of the readiness and liveness probes, unless readinessPath or livenessPath is set' },
  readinessPath: {
    type: 'string', default: '', pattern: OPTIONAL_PATH_PATTERN, patternHint: 'an absolute HTTP path, or empty', maxLength: 1024,
    description: 'HTTP path of the readiness probe (a failing pod gets no traffic); empty: healthPath',
  },
  livenessPath: {
    type: 'string', default: '', pattern: OPTIONAL_PATH_PATTERN, patternHint: 'an absolute HTTP path, or empty', maxLength: 1024,
    description: 'HTTP path of the liveness probe (a failing container is restarted); empty: healthPath',
  },
  autoscaling: {
    type: 'object', description: 'A HorizontalPodAutoscaler on CPU utilisation (needs the Core layer\'s metrics-server)',
    fields: {
      enabled: { type: 'boolean', default: false, description: 'Scale between minReplicas and maxReplicas; the Deployment then leaves replicas to the autoscaler' },
      minReplicas: { type: 'integer', default: 1, minimum: 1, maximum: MAX_REPLICAS, description: 'Fewest pods' },
      maxReplicas: { type: 'integer', default: 3, minimum: 1, maximum: MAX_REPLICAS, description: 'Most pods (at least minReplicas)' },
      cpuUtilization: {
        type: 'integer', default: 80, minimum: 10, maximum: 100,
        description: 'Target average CPU use, in percent of the CPU request',
      },
    },
  },
  ...container,
  egress: EGRESS_FIELD,
});

/** The WebApplication instance spec. */
export type WebApplicationSpec = SpecOf<typeof WEB_APPLICATION_FIELDS>;
