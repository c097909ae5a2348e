// swagger-ui-dist ships prebuilt bundles without types; this is the part /docs uses.
// Components are Swagger UI's own (its bundle carries its own React), so plugins build
// elements with the React the system hands them, never with the page's.

declare module "swagger-ui-dist/swagger-ui-es-bundle.js" {
  type Element = unknown;
  type Component = (props: Record<string, unknown>) => Element;
  export type SwaggerSystem = {
    React: { createElement: (type: unknown, props?: Record<string, unknown> | null, ...children: unknown[]) => Element };
    getComponent: (name: string, isContainer?: boolean) => Component;
  };
  export type SwaggerPlugin = () => { wrapComponents?: Record<string, (Original: Component, system: SwaggerSystem) => Component> };
  type Options = {
    domNode: HTMLElement;
    url: string;
    plugins?: SwaggerPlugin[];
    [option: string]: unknown;
  };
  const SwaggerUI: (options: Options) => unknown;
  export default SwaggerUI;
}
