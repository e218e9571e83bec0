/** InfrastructureDefinition: the Infrastructure RGD (a PostgreSQL cluster and an optional cache). */
import { InfrastructureDefinition } from '../../../../lib/foundation/infrastructure/definition';
import { graphResources, renderConstruct, testWiring } from '../../../helpers/construct';

const objects = renderConstruct((scope) => { new InfrastructureDefinition(scope.stage, 'infrastructure', testWiring(scope)); });

test('defaults (the default shared services)', () => {
  expect(objects).toMatchSnapshot();
});

test('the database gets its credentials from the operator: no password, no superuser, no SQL', () => {
  const db = graphResources(objects).database.template.spec;
  expect(db.enableSuperuserAccess).toBe(false);
  expect(db.bootstrap.initdb).toEqual({ database: '${schema.spec.postgres.database}', owner: '${schema.spec.postgres.owner}' });
  expect(JSON.stringify(db)).not.toMatch(/postInit|password|secret/i);
});
