/**
 * ResourceGraph: a ResourceGraphDefinition in the platform group. The readiness it adds per child kind, and the
 * failure for a kind without a rule, are in readiness.test.ts.
 */
import { k8s } from 'cdk8s-plus-33';
import { fields, ResourceGraph } from '../../../lib';
import { renderConstruct } from '../../helpers/construct';

const SPEC = fields({ image: { type: 'string', description: 'Image' } });
const worker = { id: 'worker', template: k8s.KubeDeployment.manifest({ metadata: { name: '${schema.metadata.name}' }, spec: { selector: {}, template: {} } }) };

test('defaults (required props only)', () => {
  expect(renderConstruct(({ stage }) => { new ResourceGraph(stage, 'workers', { kind: 'Workers', fields: SPEC, resources: [worker] }); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new ResourceGraph(stage, 'workers', {
      kind: 'NightlyWorkers', fields: SPEC, clusterScoped: true,
      status: { available: '${worker.status.availableReplicas}' },
      printerColumns: [{ name: 'Image', type: 'string', jsonPath: '.spec.image', description: 'The image' }],
      resources: [
        { ...worker, includeWhen: ['${schema.spec.image != ""}'], readyWhen: ['${worker.status.availableReplicas > 0}'] },
        { id: 'svc', template: k8s.KubeService.manifest({ metadata: { name: '${schema.metadata.name}' } }) },
      ],
    });
  })).toMatchSnapshot();
});
