// Types of `scaleplan/widget` (www/widget/scale-plan.js): importing it defines the <scale-plan> element.
import type { Plan, PlanReport } from "./scaleplan.js";

/** What `plan-change` carries: the plan shown and its report (as `evaluatePlan` returns it). */
export interface PlanChangeDetail {
  plan: Plan;
  report: PlanReport;
}

/**
 * `<scale-plan>`: a plan shown in an open shadow root. The plan comes from the `plan` property, an inline
 * `<script type="application/json">` child, `src`, `link` (a share link) or `example`; `view` is "card" (the
 * default), "ladder" or "full"; `editable` names the fields a reader may change ("leverage stop price-4");
 * `theme` is "light", "dark" or "auto". CSS custom properties: --scale-plan-accent, --scale-plan-font,
 * --scale-plan-density.
 */
export declare class ScalePlan extends HTMLElement {
  /** The plan shown, once there is one; setting it shows another (a bad plan is refused with a message). */
  get plan(): Plan | null;
  set plan(value: Plan);
  /** The report of the plan shown, once there is one. */
  get report(): PlanReport | null;
  addEventListener<K extends keyof ScalePlanEventMap>(
    type: K,
    listener: (this: ScalePlan, event: ScalePlanEventMap[K]) => unknown,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
}

export interface ScalePlanEventMap extends HTMLElementEventMap {
  /** Every valid plan the widget shows, first when it shows one at all; bubbles out of the shadow root. */
  "plan-change": CustomEvent<PlanChangeDetail>;
}

declare global {
  interface HTMLElementTagNameMap {
    "scale-plan": ScalePlan;
  }
}
