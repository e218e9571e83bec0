/**
 * A KRO ResourceGraphDefinition whose instance schema comes from a {@link Fields} declaration, so the RGD
 * schema and the library's TypeScript types cannot drift apart.
 */
import { Construct } from 'constructs';
import {
  ResourceGraphDefinition,
  ResourceGraphDefinitionSpecSchemaScope,
} from '../../imports/kro.run';
import { LABELS, PLATFORM_GROUP, PLATFORM_VERSION } from '../core/api';
import { Fields, toSimpleSchema } from '../schema/fields';

/** One resource of the graph. */
export interface GraphResource {
  /** Identifier used in expressions (`${deployment.status…}`). lowerCamelCase. */
  readonly id: string;
  /** The manifest, built with a generated class's `manifest()`; `${…}` values via `cel()`. */
  readonly template: object;
  /** Conditions under which the resource exists at all. @default always */
  readonly includeWhen?: readonly string[];
  /** Conditions under which the resource counts as ready. @default KRO's default readiness */
  readonly readyWhen?: readonly string[];
}

/** Properties of {@link ResourceGraph}. */
export interface ResourceGraphProps {
  /** Kind of the generated API, e.g. `WebApplication`. */
  readonly kind: string;
  /** Instance fields (the single schema source). */
  readonly fields: Fields;
  /** Status fields: name → `${…}` expression. @default {} */
  readonly status?: Readonly<Record<string, string>>;
  /** Cluster-scoped instances (Workspace). @default false */
  readonly clusterScoped?: boolean;
  /** The resources. */
  readonly resources: readonly GraphResource[];
  /** Extra `kubectl get` columns. @default none */
  readonly printerColumns?: readonly { name: string; type: string; jsonPath: string }[];
}

/** A ResourceGraphDefinition in the platform group. */
export class ResourceGraph extends Construct {
  /** The generated kind. */
  public readonly kind: string;
  /** The RGD object. */
  public readonly definition: ResourceGraphDefinition;
  /** The resources, by id. */
  public readonly resourceIds: readonly string[];

  public constructor(scope: Construct, id: string, props: ResourceGraphProps) {
    super(scope, id);
    this.kind = props.kind;
    this.resourceIds = props.resources.map((r) => r.id);
    const name = `${props.kind.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase()}.${PLATFORM_GROUP}`;
    this.definition = new ResourceGraphDefinition(this, 'rgd', {
      metadata: { name, labels: { [LABELS.partOf]: 'mini-atlas' } },
      spec: {
        schema: {
          apiVersion: PLATFORM_VERSION,
          group: PLATFORM_GROUP,
          kind: props.kind,
          scope: props.clusterScoped ? ResourceGraphDefinitionSpecSchemaScope.CLUSTER : ResourceGraphDefinitionSpecSchemaScope.NAMESPACED,
          spec: toSimpleSchema(props.fields),
          ...(props.status ? { status: props.status } : {}),
          ...(props.printerColumns ? { additionalPrinterColumns: [...props.printerColumns] } : {}),
        },
        resources: props.resources.map((r) => ({
          id: r.id,
          template: r.template,
          ...(r.includeWhen ? { includeWhen: [...r.includeWhen] } : {}),
          ...(r.readyWhen ? { readyWhen: [...r.readyWhen] } : {}),
        })),
      },
    });
  }
}
