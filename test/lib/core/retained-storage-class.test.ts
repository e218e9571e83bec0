/** RetainedStorageClass: the StorageClass databases use. */
import { RetainedStorageClass } from '../../../lib/core/retained-storage-class';
import { renderConstruct } from '../../helpers/construct';

test('defaults', () => {
  expect(renderConstruct(({ stage }) => { new RetainedStorageClass(stage, 'retained-storage', { provisioner: 'rancher.io/local-path' }); })).toMatchSnapshot();
});

test('all props', () => {
  expect(renderConstruct(({ stage }) => {
    new RetainedStorageClass(stage, 'retained-storage', { name: 'keep', provisioner: 'ebs.csi.aws.com', parameters: { type: 'gp3' } });
  })).toMatchSnapshot();
});
