/**
 * ResourceGraph: a ResourceGraphDefinition in the platform group. The readiness it adds per child kind, and the
 * failure for a kind without a rule, are in readiness.test.ts.
 */
import * as k8s from '../../../imports/k8s';
import { App, Chart } from 'cdk8s';
import { fields, FluxStage, renderApp, ResourceGraph } from '../../../lib';
import { issues } from '../../helpers/issues';
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

test('fails if a made-up field declares a default that breaks its own bounds, enum or pattern (the API server would refuse the CRD)', () => {
  const app = new App();
  const stage = new FluxStage(new Chart(app, 'f'), 'f', { path: 'f', wait: false });
  new ResourceGraph(stage, 'gadget', {
    kind: 'Gadget',
    fields: fields({
      size: { type: 'integer', default: 12, minimum: 1, maximum: 10, description: 'Size' },
      colour: { type: 'string', default: 'plaid', enum: ['red', 'blue'], description: 'Colour' },
      fine: { type: 'integer', default: 5, minimum: 1, maximum: 10, description: 'Fine' },
    }),
    resources: [],
  });
  const rule = "the field's own constraint: the API server would refuse the RGD's CRD";
  expect(issues(() => renderApp(app)).map((i) => [i.path, i.field, i.value, i.rule])).toEqual([
    ['f/f/gadget', 'schema.spec.size.default', '12', `must be between 1 and 10, ${rule}`],
    ['f/f/gadget', 'schema.spec.colour.default', '"plaid"', `must be one of red, blue, ${rule}`],
  ]);
});
