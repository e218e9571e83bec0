/**
 * A StorageClass whose volumes outlive their claims (`reclaimPolicy: Retain`). Databases use it by default:
 * when a PVC is deleted (CloudNativePG deletes its PVCs with the Cluster), the PersistentVolume and its data
 * stay behind, Released, until an administrator deletes or re-binds it.
 */
import { Construct } from 'constructs';
import * as k8s from '../../imports/k8s';
import { partOfLabel } from '../shared/platform-name';
import { dnsSubdomainProblem } from '../shared/names';
import { addIssueCheck, issue, ValidationIssue } from '../shared/validation-error';

const PROVISIONER = /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;

/** Properties of {@link RetainedStorageClass}. */
export interface RetainedStorageClassProps {
  /** @default 'retained' */
  readonly name?: string;
  /**
   * The provisioner of the cluster's volumes (a CSI driver name such as `ebs.csi.aws.com`, or Kind's
   * `rancher.io/local-path`). No default: a production cluster must not silently get Kind's.
   */
  readonly provisioner: string;
  /** Provisioner parameters (StorageClass `parameters`, e.g. `{ type: 'gp3' }`). @default none */
  readonly parameters?: Readonly<Record<string, string>>;
}

/** The `retained` StorageClass. */
export class RetainedStorageClass extends Construct {
  public readonly storageClassName: string;

  public constructor(scope: Construct, id: string, props: RetainedStorageClassProps) {
    super(scope, id);
    this.storageClassName = props.name ?? 'retained';
    addIssueCheck(this, () => {
      const out: ValidationIssue[] = [];
      const name = dnsSubdomainProblem(this.storageClassName);
      if (name) out.push(issue(this, 'name', this.storageClassName, name));
      // Kubernetes accepts a provisioner that, lowercased, is a qualified name: an optional DNS-subdomain prefix
      // and `/`, then a name of at most 63 characters (pkg/apis/storage/validation, validateProvisioner).
      if (!PROVISIONER.test(props.provisioner.toLowerCase()) || props.provisioner.split('/').pop()!.length > 63) {
        out.push(issue(this, 'provisioner', props.provisioner, 'is not a provisioner name (a qualified name such as ebs.csi.aws.com or rancher.io/local-path)', "use the provisioner of your cluster's volumes"));
      }
      return out;
    });
    new k8s.KubeStorageClass(this, 'class', {
      metadata: { name: this.storageClassName, labels: partOfLabel(this) },
      provisioner: props.provisioner,
      ...(props.parameters !== undefined ? { parameters: { ...props.parameters } } : {}),
      reclaimPolicy: 'Retain',
      volumeBindingMode: 'WaitForFirstConsumer',
    });
  }
}
