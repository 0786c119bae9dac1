import { StompLogger } from '../util/stomp-logger.js';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { ApplicationConfig, DiscoveryService, ExternalContextCreator, MetadataScanner, ModulesContainer } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { StompEvent } from '../events/stomp-event.js';
import { StompEvents } from '../events/stomp-events.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { DestinationPattern } from '../protocol/destination-pattern.js';
import { createDirectInvoker, hasNoEnhancers, type HandlerParameter } from './direct-handler-invoker.js';
import { declareImplicitParameters } from './implicit-parameters.js';
import { DeclaredPublications } from './declared-publications.js';
import type { ExceptionHandlerMethod, HandlerSignature, MessageHandler, ReplyTarget } from './message-handler.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import { STOMP_CONTEXT_TYPE, type StompContext } from './stomp-context.js';
import { StompMetadataAccessor, type MappingKind } from './stomp-metadata.accessor.js';
import { createStompContextCreator } from './stomp-context-creator.js';
import { StompParamsFactory } from './stomp-params.factory.js';

type Method = (...args: unknown[]) => unknown;

const MAPPING_KINDS: readonly MappingKind[] = ['message', 'subscribe'];

/**
 * Finds, at start-up, the `@MessageMapping`/`@SubscribeMapping` handlers, `@MessageExceptionHandler`
 * methods and `@OnStompEvent` listeners of every controller and provider. Handlers are wrapped by
 * Nest's `ExternalContextCreator`, so guards, pipes, interceptors, exception filters and custom
 * parameter decorators apply to them as to HTTP routes.
 */
@Injectable()
export class StompExplorer implements OnModuleInit {
  private readonly logger = new StompLogger('StompModule');
  private readonly paramsFactory = new StompParamsFactory();
  private readonly contextCreator: ExternalContextCreator;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly metadata: StompMetadataAccessor,
    contextCreator: ExternalContextCreator,
    modules: ModulesContainer,
    private readonly registry: MessageHandlerRegistry,
    private readonly events: StompEvents,
    private readonly publications: DeclaredPublications,
    private readonly applicationConfig: ApplicationConfig,
    @Inject(STOMP_SETTINGS) private readonly options: { readonly pathSeparator: '/' | '.' },
  ) {
    this.contextCreator = createStompContextCreator(contextCreator, modules);
  }

  onModuleInit(): void {
    const wrappers = [...this.discovery.getControllers(), ...this.discovery.getProviders()];
    for (const wrapper of wrappers) this.exploreInstance(wrapper);
  }

  private exploreInstance(wrapper: InstanceWrapper): void {
    const { instance, metatype } = wrapper;
    if (!instance || typeof instance !== 'object' || !metatype) return;
    const prototype = Object.getPrototypeOf(instance) as object;
    const methods = this.scanner.getAllMethodNames(prototype);
    this.recordPublications(metatype, instance, methods);
    const annotated = methods.filter((name) => this.metadata.isStompMethod(this.method(instance, name)));
    if (annotated.length === 0) return;
    if (!wrapper.isDependencyTreeStatic()) {
      this.logger.warn(`${metatype.name} is request- or transient-scoped: its STOMP handlers and listeners are ignored (they must be singletons)`);
      return;
    }
    const exceptionHandlers = this.exceptionHandlersOf(instance, metatype, methods);
    for (const methodName of annotated) {
      this.registerHandlers(instance, metatype, prototype, methodName, exceptionHandlers);
      this.registerListener(instance, metatype, methodName);
    }
  }

  private registerHandlers(
    instance: object,
    metatype: Function,
    prototype: object,
    methodName: string,
    exceptionHandlers: readonly ExceptionHandlerMethod[],
  ): void {
    const method = this.method(instance, methodName);
    let invoke: MessageHandler['invoke'] | undefined;
    let signature: HandlerSignature | undefined;
    for (const kind of MAPPING_KINDS) {
      const destinations = this.metadata.mappings(kind, method);
      if (!destinations) continue;
      if (!invoke) {
        this.metadata.checkParameters(metatype, methodName, method);
        invoke = this.createInvoker(instance, metatype, prototype, methodName);
        signature = this.metadata.signature(metatype, methodName, method);
      }
      const classPrefixes = this.metadata.mappings(kind, metatype) ?? [''];
      const name = `${metatype.name}.${methodName}`;
      for (const prefix of classPrefixes) {
        for (const destination of destinations) {
          const pattern = new DestinationPattern(this.combine(prefix, destination), this.options.pathSeparator);
          this.registry.add({ kind, pattern, name, invoke, exceptionHandlers, signature: signature!, ...this.replyTarget(method, metatype) });
          this.logger.log(`Mapped ${kind === 'message' ? 'SEND' : 'SUBSCRIBE'} ${pattern.pattern} to ${name}`);
        }
      }
    }
  }

  private createInvoker(instance: object, metatype: Function, prototype: object, methodName: string): MessageHandler['invoke'] {
    declareImplicitParameters(prototype, methodName);
    const method = this.method(instance, methodName);
    const wrapped = this.contextCreator.create(
      instance,
      method,
      methodName,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: true },
      STOMP_CONTEXT_TYPE,
    ) as (payload: unknown, context: StompContext) => Promise<unknown>;
    // Nest's own reading of the parameters (custom decorators included), cached by the call above.
    const { argsLength, getParamsMetadata } = this.contextCreator.getMetadata(instance as never, methodName, ROUTE_ARGS_METADATA, this.paramsFactory, STOMP_CONTEXT_TYPE);
    const parameters = (getParamsMetadata(this.contextCreator.getContextModuleKey(metatype as never)) ?? []) as unknown as HandlerParameter[];
    if (!hasNoEnhancers(this.applicationConfig, metatype, method, methodName, parameters)) return wrapped;
    return createDirectInvoker(instance, method, argsLength, parameters);
  }

  private exceptionHandlersOf(instance: object, metatype: Function, methods: string[]): ExceptionHandlerMethod[] {
    return methods.flatMap((methodName) => {
      const method = this.method(instance, methodName);
      const errorTypes = this.metadata.exceptionTypes(method);
      if (!errorTypes) return [];
      return [{ errorTypes, name: `${metatype.name}.${methodName}`, invoke: (error, context) => method.call(instance, error, context), ...this.replyTarget(method, metatype) }];
    });
  }

  /** `@StompPublishes` on the class and its methods: documentation only, any provider may carry it. */
  private recordPublications(metatype: Function, instance: object, methods: string[]): void {
    const targets = [metatype, ...methods.map((name) => this.method(instance, name))];
    for (const target of targets) {
      for (const publication of this.metadata.publications(target)) this.publications.add(publication, metatype.name);
    }
  }

  private registerListener(instance: object, metatype: Function, methodName: string): void {
    const method = this.method(instance, methodName);
    const types = this.metadata.eventTypes(method);
    if (!types) return;
    const wanted = new Set(types);
    const name = `${metatype.name}.${methodName}`;
    this.events.events$.subscribe((event: StompEvent) => {
      if (!wanted.has(event.type)) return;
      try {
        const result = method.call(instance, event);
        if (result instanceof Promise) result.catch((error: unknown) => this.listenerFailed(name, event, error));
      } catch (error) {
        this.listenerFailed(name, event, error);
      }
    });
  }

  private listenerFailed(name: string, event: StompEvent, error: unknown): void {
    this.logger.error(`@OnStompEvent listener ${name} failed on a '${event.type}' event`, error instanceof Error ? error.stack : String(error));
  }

  /**
   * One annotation decides, as in Spring: method `@SendToUser`, method `@SendTo`, class
   * `@SendToUser`, class `@SendTo`, the first with destinations winning, else the first present.
   * So a class-wide `@SendTo('/topic/lobby')` never broadcasts a method's private `@SendToUser` reply.
   */
  private replyTarget(method: Method, metatype: Function): ReplyTarget {
    const candidates: ReplyTarget[] = [];
    for (const target of [method, metatype]) {
      const sendToUser = this.metadata.sendToUser(target);
      const sendTo = this.metadata.sendTo(target);
      if (sendToUser) candidates.push({ sendTo: undefined, sendToUser });
      if (sendTo) candidates.push({ sendTo, sendToUser: undefined });
    }
    const destinationsOf = (t: ReplyTarget) => (t.sendToUser ? t.sendToUser.destinations : t.sendTo!);
    return candidates.find((t) => destinationsOf(t).length > 0) ?? candidates[0] ?? { sendTo: undefined, sendToUser: undefined };
  }

  private method(instance: object, name: string): Method {
    return (instance as Record<string, Method>)[name]!;
  }

  /**
   * Joins a class-level and a method-level mapping the way Spring's path matcher does, and gives
   * slash-separated mappings their leading slash (`chat.send` → `/chat.send`).
   */
  private combine(prefix: string, destination: string): string {
    const separator = this.options.pathSeparator;
    let combined: string;
    if (!prefix) combined = destination;
    else if (!destination) combined = prefix;
    else combined = `${stripEnd(prefix, separator)}${separator}${stripStart(destination, separator)}`;
    if (separator === '/' && !combined.startsWith('/')) combined = `/${combined}`;
    return combined;
  }
}

function stripEnd(text: string, char: string): string {
  return text.endsWith(char) ? text.slice(0, -1) : text;
}

function stripStart(text: string, char: string): string {
  return text.startsWith(char) ? text.slice(1) : text;
}
