import { ConfigurableModuleBuilder, type ConfigurableModuleAsyncOptions } from '@nestjs/common';
import type { StompModuleOptions } from './stomp.options.js';

export const { ConfigurableModuleClass, MODULE_OPTIONS_TOKEN: STOMP_MODULE_OPTIONS, OPTIONS_TYPE, ASYNC_OPTIONS_TYPE } =
  new ConfigurableModuleBuilder<StompModuleOptions>()
    .setClassMethodName('forRoot')
    .setExtras({ isGlobal: true }, (definition, extras) => ({ ...definition, global: extras.isGlobal }))
    .build();

/** A class for `StompModule.forRootAsync({ useClass })`: builds the options, with injected services. */
export interface StompOptionsFactory {
  create(): StompModuleOptions | Promise<StompModuleOptions>;
}

/** What `StompModule.forRootAsync()` takes: `useFactory` + `inject`, `useClass` or `useExisting`, and `isGlobal`. */
export type StompModuleAsyncOptions = ConfigurableModuleAsyncOptions<StompModuleOptions, 'create'> & { readonly isGlobal?: boolean };
