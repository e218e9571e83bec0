/** The Workspace abstraction's fields: the single source of its RGD schema and its TypeScript type. */
import { fields, SpecOf } from '../../shared/fields';
import { BYTES_PATTERN, CPU_PATTERN, NAME_PATTERN } from '../../shared/patterns';

export const WORKSPACE_FIELDS = fields({
  team: {
    type: 'string', required: true, pattern: NAME_PATTERN, maxLength: 63, patternHint: 'a DNS-1123 label',
    description: 'Team that owns the workspace; becomes the platform.mini-atlas.io/team label',
  },
  quota: {
    type: 'object', description: 'ResourceQuota and LimitRange of the workspace namespace',
    fields: {
      cpu: { type: 'string', default: '4', pattern: CPU_PATTERN, patternHint: 'a CPU quantity such as 4 or 500m', description: 'Total CPU limits of all pods' },
      memory: { type: 'string', default: '8Gi', pattern: BYTES_PATTERN, patternHint: 'a quantity such as 8Gi', description: 'Total memory limits of all pods' },
      storage: { type: 'string', default: '20Gi', pattern: BYTES_PATTERN, patternHint: 'a quantity such as 20Gi', description: 'Total requested persistent storage' },
      pods: { type: 'integer', default: 40, minimum: 1, maximum: 1000, description: 'Maximum number of pods' },
      defaultContainerCpu: { type: 'string', default: '250m', pattern: CPU_PATTERN, patternHint: 'a CPU quantity', description: 'CPU limit given to containers that set none' },
      defaultContainerMemory: { type: 'string', default: '256Mi', pattern: BYTES_PATTERN, patternHint: 'a quantity such as 256Mi', description: 'Memory limit given to containers that set none' },
    },
  },
});

/** The Workspace instance spec. */
export type WorkspaceSpec = SpecOf<typeof WORKSPACE_FIELDS>;
