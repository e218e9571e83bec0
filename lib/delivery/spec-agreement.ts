/**
 * Compile-time proof that each construct's props and its abstraction's schema declare the same fields with
 * the same types and optionality. Adding a field to one side only makes `tsc` (and so `npm run build`,
 * `npm run synth` and `npm run lint`) fail here. `test/invariants/schema-agreement.test.ts` checks the defaults.
 */
import { InfrastructureSpec } from '../foundation/infrastructure/schema';
import { TopicSpec } from '../foundation/topic/schema';
import { WebApplicationSpec } from '../foundation/web-application/schema';
import { WorkspaceSpec } from '../foundation/workspace/schema';
import { WorkloadSpec } from '../foundation/workload/schema';
import { InfrastructureProps } from './infrastructure';
import { TopicProps } from './topic';
import { WebApplicationProps } from './web-application';
import { WorkspaceProps } from './workspace';
import { WorkloadProps } from './workload';

/** Flattens intersections and removes `readonly`, recursively, so that equal shapes compare equal. */
type Normalize<T> = T extends object ? { -readonly [K in keyof T]: Normalize<T[K]> } : T;
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;
/** Fails to compile unless `T` is `true`. */
type Assert<T extends true> = T;

/** References to other constructs travel as instance names. */
type AsSpec<P, Refs extends keyof P = never> = Omit<P, 'name' | Refs> & { [K in Refs]?: string };

/** `environment` sizes the construct's defaults and `hostDomain` checks its apps' host names; neither is part of the spec. */
export type WorkspacePropsMatchSchema = Assert<Equals<Normalize<Omit<WorkspaceProps, 'environment' | 'hostDomain'>>, Normalize<WorkspaceSpec>>>;
export type WebApplicationPropsMatchSchema = Assert<Equals<Normalize<AsSpec<WebApplicationProps, 'database' | 'topic'>>, Normalize<WebApplicationSpec>>>;
export type InfrastructurePropsMatchSchema = Assert<Equals<Normalize<AsSpec<InfrastructureProps>>, Normalize<InfrastructureSpec>>>;
export type TopicPropsMatchSchema = Assert<Equals<Normalize<AsSpec<TopicProps>>, Normalize<TopicSpec>>>;
export type WorkloadPropsMatchSchema = Assert<Equals<Normalize<AsSpec<WorkloadProps, 'database' | 'topic'>>, Normalize<WorkloadSpec>>>;
