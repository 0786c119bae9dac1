import type { ExternalContextCreator, ModulesContainer } from '@nestjs/core';

/**
 * Nest's `ExternalContextCreator` finds a handler's module among module *providers* only. STOMP
 * handlers also live on controllers; for those it would find no module, and class-based guards,
 * interceptors, pipes and filters (`@UseGuards(AuthGuard)`) would be silently dropped. This view of
 * the shared creator also looks among controllers; everything else is the creator itself.
 */
export function createStompContextCreator(base: ExternalContextCreator, modules: ModulesContainer): ExternalContextCreator {
  const creator = Object.create(base) as ExternalContextCreator;
  creator.getContextModuleKey = (classRef: Function | undefined): string => {
    if (classRef) {
      for (const [key, moduleRef] of modules.entries()) {
        if (moduleRef.controllers.has(classRef as never)) return key;
      }
    }
    return base.getContextModuleKey(classRef);
  };
  return creator;
}
