/**
 * `Gadget`, a made-up abstraction with every shape of list and map field: a list of plain strings with a default,
 * a list of strings with rules (a named item type), a list of objects, a map of strings with a key rule and a
 * default, an immutable map of objects. Used by the unit tests of the schema language and by the control-plane
 * suite, which proves the same declaration on the real KRO.
 */
import { fields } from '../../lib/shared/fields';

export const GADGET = fields({
  name: { type: 'string', required: true, description: 'Name' },
  args: { type: 'list', items: { type: 'string' }, maxItems: 3, default: [], description: 'Arguments' },
  hosts: {
    type: 'list', minItems: 1, maxItems: 2, description: 'Allowed hosts',
    items: { type: 'string', typeName: 'HostName', pattern: '^[a-z0-9.-]+$', patternHint: 'a lowercase host name', maxLength: 253 },
  },
  env: {
    type: 'list', maxItems: 4, description: 'Environment variables',
    items: {
      type: 'object', typeName: 'EnvVar', description: 'One variable',
      fields: {
        name: { type: 'string', required: true, pattern: '^[A-Z_][A-Z0-9_]*$', patternHint: 'an upper-case variable name', description: 'Variable name' },
        value: { type: 'string', default: '', description: 'Value' },
      },
    },
  },
  labels: { type: 'map', values: { type: 'string' }, keyPattern: '^[a-z][a-z0-9-]*$', keyPatternHint: 'a lowercase name', default: {}, description: 'Labels' },
  ports: {
    type: 'map', immutable: true, keyPattern: '^[a-z]+$', keyPatternHint: 'a lowercase word', description: 'Ports by name',
    values: {
      type: 'object', typeName: 'Port', description: 'One port',
      fields: {
        number: { type: 'integer', required: true, minimum: 1, maximum: 65535, description: 'Port number' },
        protocol: { type: 'string', default: 'TCP', enum: ['TCP', 'UDP'], description: 'Protocol' },
      },
    },
  },
});

