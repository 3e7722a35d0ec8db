"""EPCIS 2.0 / CBV 2.0 vocabulary as the GS1 JSON Schema (``EPCIS-JSON-Schema.json``) lists it.

Standard values are bare words; other values must be URIs, but not URIs in the CBV's own
namespaces (``urn:epcglobal:cbv…``, ``http(s)://ns.gs1.org/cbv/``), which the schema refuses
so that a CBV term is always written the one way.
"""

from __future__ import annotations

import re

EVENT_TYPES = ("ObjectEvent", "AggregationEvent", "TransactionEvent", "TransformationEvent", "AssociationEvent")
DOCUMENT_TYPES = ("EPCISDocument", "EPCISQueryDocument")
ACTIONS = frozenset({"OBSERVE", "ADD", "DELETE"})

BIZ_STEPS = frozenset({
    "accepting", "arriving", "assembling", "collecting", "commissioning", "consigning", "creating_class_instance",
    "cycle_counting", "decommissioning", "departing", "destroying", "disassembling", "dispensing", "encoding",
    "entering_exiting", "holding", "inspecting", "installing", "killing", "loading", "other", "packing", "picking",
    "receiving", "removing", "repackaging", "repairing", "replacing", "reserving", "retail_selling", "shipping",
    "staging_outbound", "stock_taking", "stocking", "storing", "transporting", "unloading", "unpacking", "void_shipping",
    "sensor_reporting", "sampling",
})
DISPOSITIONS = frozenset({
    "active", "container_closed", "damaged", "destroyed", "dispensed", "disposed", "encoded", "expired", "in_progress",
    "in_transit", "inactive", "no_pedigree_match", "non_sellable_other", "partially_dispensed", "recalled", "reserved",
    "retail_sold", "returned", "sellable_accessible", "sellable_not_accessible", "stolen", "unknown", "available",
    "completeness_verified", "completeness_inferred", "conformant", "container_open", "mismatch_instance", "mismatch_class",
    "mismatch_quantity", "needs_replacement", "non_conformant", "unavailable",
})
BIZ_TRANSACTION_TYPES = frozenset({"bol", "cert", "desadv", "inv", "pedigree", "po", "poc", "prodorder", "recadv", "rma", "testprd",
                                   "testres", "upevt"})
SOURCE_DEST_TYPES = frozenset({"owning_party", "possessing_party", "location"})
ERROR_REASONS = frozenset({"did_not_occur", "incorrect_data"})
SENSOR_ALERT_TYPES = frozenset({"ALARM_CONDITION", "ERROR_CONDITION"})
COMPONENTS = frozenset({"x", "y", "z", "axial_distance", "azimuth", "height", "spherical_radius", "polar_angle", "elevation_angle",
                        "easting", "northing", "latitude", "longitude", "altitude"})
MEASUREMENT_TYPES = frozenset({
    "AbsoluteHumidity", "AbsorbedDose", "AbsorbedDoseRate", "Acceleration", "Radioactivity", "Altitude", "AmountOfSubstance",
    "AmountOfSubstancePerUnitVolume", "Angle", "AngularAcceleration", "AngularMomentum", "AngularVelocity", "Area", "Capacitance",
    "Conductance", "Conductivity", "Count", "Density", "Dimensionless", "DoseEquivalent", "DoseEquivalentRate", "DynamicViscosity",
    "ElectricCharge", "ElectricCurrent", "ElectricCurrentDensity", "ElectricFieldStrength", "Energy", "Exposure", "Force",
    "Frequency", "Illuminance", "Inductance", "Irradiance", "KinematicViscosity", "Length", "LinearMomentum", "Luminance",
    "LuminousFlux", "LuminousIntensity", "MagneticFlux", "MagneticFluxDensity", "MagneticVectorPotential", "Mass",
    "MassConcentration", "MassFlowRate", "MassPerAreaTime", "MemoryCapacity", "MolalityOfSolute", "MolarEnergy", "MolarMass",
    "MolarVolume", "Power", "Pressure", "RadiantFlux", "RadiantIntensity", "RelativeHumidity", "Resistance", "Resistivity",
    "SolidAngle", "SpecificVolume", "Speed", "SurfaceDensity", "SurfaceTension", "Temperature", "Time", "Torque", "Voltage",
    "Volume", "VolumeFlowRate", "VolumeFraction", "VolumetricFlux", "Wavenumber",
})

# A URI used for a value that has a CBV word must not be in the CBV's namespaces ("vocab-other-uri").
CBV_NAMESPACE = re.compile(r"urn:epcglobal:cbv|https?://ns\.gs1\.org/cbv/")
# Measurement and alert types must not be written as GS1 Web Vocabulary URIs ("vocab-nonGS1WebVoc-uri").
GS1_WEB_VOC = re.compile(r"https?://gs1\.org/voc/|https?://www\.gs1\.org/voc/")

TZ_OFFSET = re.compile(r"[+-](?:(?:0[0-9]|1[0-3]):[0-5][0-9]|14:00)")
UOM = re.compile(r"[A-Z0-9]{2,3}")
HEX_BINARY = re.compile(r"[A-Fa-f0-9]+")
VERSION = re.compile(r"\d+(?:\.\d+)*")

# The event's identifier lists: JSON field -> (kind, role) in the trace-graph edge table.
EPC_FIELDS: dict[str, tuple[str, str]] = {
    "epcList": ("epc", "object"),
    "childEPCs": ("epc", "child"),
    "inputEPCList": ("epc", "input"),
    "outputEPCList": ("epc", "output"),
}
QUANTITY_FIELDS: dict[str, tuple[str, str]] = {
    "quantityList": ("epc_class", "object"),
    "childQuantityList": ("epc_class", "child"),
    "inputQuantityList": ("epc_class", "input"),
    "outputQuantityList": ("epc_class", "output"),
}
