/** CachePasswordPolicy: the `cache-password` policy. */
import { CachePasswordPolicy } from '../../../../lib/foundation/policies/cache-password-policy';
import { renderConstruct } from '../../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new CachePasswordPolicy(stage, 'cache-password'); })).toMatchSnapshot();
});
