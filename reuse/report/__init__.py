"""What a reviewer reads: the reports (each a dataclass of what it shows, read
from the store: :mod:`~reuse.report.pairs`, :mod:`~reuse.report.similarity`,
:mod:`~reuse.report.templates`, :mod:`~reuse.report.groups`,
:mod:`~reuse.report.provenance`, :mod:`~reuse.report.matches`), the confined
query runner (:mod:`~reuse.report.query`), exports
(:mod:`~reuse.report.export`), the HTML report (:mod:`reuse.report.html`),
the terminal display (:mod:`~reuse.report.display`) and the review app
(:mod:`reuse.report.serve`)."""
