/** Builds the plant's OPC UA address space: assets as objects, tags as AnalogItem/TwoStateDiscrete, event types, alarm. */
import {
  DataType, StatusCodes, Variant, type AddressSpace, type Namespace, type StatusCode, type UAEventType, type UAObject, type UAVariable,
} from "node-opcua";
import { BOILER_HIGH_PRESSURE_LIMIT } from "./plant-model.ts";
import type { TagSpec } from "./tags.ts";

export const SIM_EVENT_TYPES = {
  maintenance: "MaintenanceEventType",
  calibration: "CalibrationEventType",
} as const;

export interface PlantAddressSpace {
  assets: Map<string, UAObject>;
  variables: Map<string, UAVariable>;
  eventTypes: { maintenance: UAEventType; calibration: UAEventType };
  writeTag(tag: string, value: number | boolean, status: StatusCode, sourceTimestamp: Date): void;
}

function addEventTypeWithFields(ns: Namespace, browseName: string, description: string, fields: string[]): UAEventType {
  const type = ns.addEventType({ browseName, subtypeOf: "BaseEventType", isAbstract: false });
  type.setDescription?.(description);
  for (const field of fields) {
    ns.addVariable({ propertyOf: type, browseName: field, dataType: DataType.String, modellingRule: "Mandatory" });
  }
  return type;
}

export function buildPlantAddressSpace(addressSpace: AddressSpace, tags: TagSpec[]): PlantAddressSpace {
  const ns = addressSpace.getOwnNamespace();
  const plant = ns.addObject({ browseName: "Plant", organizedBy: addressSpace.rootFolder.objects, nodeId: "s=Plant", eventNotifier: 1 });
  const server = addressSpace.rootFolder.objects.server;
  server.addReference({ referenceType: "HasNotifier", nodeId: plant });
  const assets = new Map<string, UAObject>();
  const variables = new Map<string, UAVariable>();

  for (const spec of tags) {
    let asset = assets.get(spec.asset);
    if (!asset) {
      asset = ns.addObject({ browseName: spec.asset, componentOf: plant, nodeId: `s=${spec.asset}`, eventNotifier: 1 });
      plant.addReference({ referenceType: "HasNotifier", nodeId: asset });
      assets.set(spec.asset, asset);
    }
    const common = { componentOf: asset, browseName: spec.name, nodeId: `s=${spec.tag}`, minimumSamplingInterval: 0 };
    const variable: UAVariable =
      spec.kind === "analog"
        ? ns.addAnalogDataItem({
            ...common, dataType: "Double", engineeringUnitsRange: { low: spec.range[0], high: spec.range[1] },
            ...(spec.unit ? { engineeringUnits: spec.unit } : {}),
          })
        : ns.addTwoStateDiscrete({ ...common, trueState: spec.name === "Fault" ? "Tripped" : "Running", falseState: spec.name === "Fault" ? "Healthy" : "Stopped", value: false });
    variables.set(spec.tag, variable);
  }

  const boiler = assets.get("B-201");
  const drumPressure = variables.get("B-201.DrumPressure");
  if (boiler && drumPressure) {
    // a condition source must be reachable from the Server object through HasEventSource (Part 9 §4.10)
    plant.addReference({ referenceType: "HasEventSource", nodeId: boiler });
    // a real Alarms & Conditions alarm: node-opcua evaluates it on every DrumPressure change
    const alarm = ns.instantiateExclusiveLimitAlarm("ExclusiveLimitAlarmType", {
      browseName: "HighPressureAlarm", conditionName: "HighPressure", componentOf: boiler, conditionSource: boiler, inputNode: drumPressure,
      highLimit: BOILER_HIGH_PRESSURE_LIMIT, lowLimit: -1, optionals: ["ConfirmedState", "Confirm"],
    });
    alarm.setEnabledState(true);
  }

  const eventTypes = {
    maintenance: addEventTypeWithFields(ns, SIM_EVENT_TYPES.maintenance, "Maintenance work performed on an asset", ["WorkOrder", "Technician", "Asset"]),
    calibration: addEventTypeWithFields(ns, SIM_EVENT_TYPES.calibration, "Instrument calibration on an asset", ["WorkOrder", "Technician", "Asset"]),
  };

  const writeTag = (tag: string, value: number | boolean, status: StatusCode, sourceTimestamp: Date) => {
    const variable = variables.get(tag);
    if (!variable) throw new Error(`unknown simulator tag ${tag}`);
    const variant = typeof value === "boolean" ? new Variant({ dataType: DataType.Boolean, value }) : new Variant({ dataType: DataType.Double, value });
    variable.setValueFromSource(variant, status ?? StatusCodes.Good, sourceTimestamp);
  };
  return { assets, variables, eventTypes, writeTag };
}
