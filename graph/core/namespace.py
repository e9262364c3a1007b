"""The project's vocabulary as an rdflib ``DefinedNamespace``: a typo raises instead of minting an IRI.

``tests/test_ontology.py`` checks that this class and ``ontology.ttl`` declare the same terms.
"""

from __future__ import annotations

from rdflib import Namespace, URIRef
from rdflib.namespace import DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/drivers-graph/ontology#"
DEFAULT_BASE = "https://w3id.org/drivers-graph/id/"

#: Concept schemes for driver kinds and drivers-document categories (defined in ontology.ttl).
KIND = Namespace("https://w3id.org/drivers-graph/kind/")
CATEGORY = Namespace("https://w3id.org/drivers-graph/category/")
LEGISLATION = Namespace("https://www.legislation.gov.uk")
#: Concept schemes of the reference frameworks (UNCRC articles, SHANARRI, ...; defined in ontology.ttl):
#: every framework concept is ``skos:inScheme`` one of these, with a ``skos:prefLabel``.
SCHEME = Namespace("https://w3id.org/drivers-graph/scheme/")
#: record type (class name) -> its framework's concept scheme
FRAMEWORK_SCHEMES = {
    "UNCRCArticle": SCHEME["uncrc-articles"], "WellbeingIndicator": SCHEME["shanarri"],
    "PromiseFoundation": SCHEME["promise-foundations"], "PromisePriority": SCHEME["promise-priorities"],
    "NationalOutcome": SCHEME["national-outcomes"], "QualityIndicator": SCHEME["quality-indicators"],
}


class DG(DefinedNamespace):
    """drivers-graph ontology terms."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI)

    # classes
    Partnership: URIRef
    Driver: URIRef
    Legislation: URIRef
    Programme: URIRef
    Group: URIRef
    Plan: URIRef
    Theme: URIRef
    Outcome: URIRef
    Indicator: URIRef
    Action: URIRef
    Finding: URIRef
    UNCRCArticle: URIRef
    UNCRCCluster: URIRef
    WellbeingIndicator: URIRef
    PromiseFoundation: URIRef
    PromisePriority: URIRef
    NationalOutcome: URIRef
    QualityIndicator: URIRef
    SourceDocument: URIRef
    Edition: URIRef
    EditionEntry: URIRef
    StatedLink: URIRef
    DriverKind: URIRef
    Category: URIRef

    # stated relations and their inverses
    partOf: URIRef
    hasPart: URIRef
    drivenBy: URIRef
    drives: URIRef
    ledBy: URIRef
    leads: URIRef
    reportsTo: URIRef
    oversees: URIRef
    overseenBy: URIRef
    hasOversightOf: URIRef
    coProducedBy: URIRef
    coProduced: URIRef
    implements: URIRef
    implementedBy: URIRef
    upholdsRight: URIRef
    rightUpheldBy: URIRef
    contributesTo: URIRef
    contributedToBy: URIRef
    alignsWith: URIRef
    fundedBy: URIRef
    funds: URIRef
    supersedes: URIRef
    supersededBy: URIRef
    seeAlso: URIRef
    qualityIndicator: URIRef
    qualityIndicatorOf: URIRef

    # record fields
    partnership: URIRef
    kind: URIRef
    startYear: URIRef
    endYear: URIRef
    legislationPath: URIRef
    webLink: URIRef
    section: URIRef
    quote: URIRef
    number: URIRef
    text: URIRef
    actionKind: URIRef
    findingKind: URIRef
    groupKind: URIRef
    planKind: URIRef
    lead: URIRef
    timescale: URIRef
    expectedOutcomes: URIRef
    measure: URIRef
    progress: URIRef
    evidence: URIRef
    reportingYear: URIRef
    shortTitle: URIRef
    unconfirmed: URIRef
    seedFile: URIRef
    describedIn: URIRef

    # editions of the drivers document
    edition: URIRef
    editionYear: URIRef
    describes: URIRef
    alsoDescribes: URIRef
    category: URIRef
    subcategory: URIRef
    summaryTitle: URIRef
    summaryNumber: URIRef
    detailNumber: URIRef
    summary: URIRef
    linkText: URIRef
    crossReference: URIRef
    order: URIRef


#: two IRIs (a predicate is always one) compared by their text, in C: rdflib's ``URIRef.__eq__`` is
#: Python code, and the build compares predicates for each of hundreds of thousands of triples
same_iri = str.__eq__
