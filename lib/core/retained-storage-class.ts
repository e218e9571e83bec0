/**
 * A StorageClass whose volumes outlive their claims (`reclaimPolicy: Retain`). Databases use it by default:
 * when a PVC is deleted (CloudNativePG deletes its PVCs with the Cluster), the PersistentVolume and its data
 * stay behind, Released, until an administrator deletes or re-binds it.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { LABELS } from '../shared/api';

/** Properties of {@link RetainedStorageClass}. */
export interface RetainedStorageClassProps {
  /** @default 'retained' */
  readonly name?: string;
  /** CSI provisioner. @default 'rancher.io/local-path' (Kind's local-path-provisioner) */
  readonly provisioner?: string;
}

/** The `retained` StorageClass. */
export class RetainedStorageClass extends Construct {
  public readonly storageClassName: string;

  public constructor(scope: Construct, id: string, props: RetainedStorageClassProps = {}) {
    super(scope, id);
    this.storageClassName = props.name ?? 'retained';
    new k8s.KubeStorageClass(this, 'class', {
      metadata: { name: this.storageClassName, labels: { [LABELS.partOf]: 'mini-atlas' } },
      provisioner: props.provisioner ?? 'rancher.io/local-path',
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  }
}
