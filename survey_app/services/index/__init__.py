"""The index wing. Public calls:

- `build_index(campaign)`: the read model every index output takes (workbook, report, charts, page, CLI)
- `imports`: `parse_appraisal`, `import_appraisal`, `parse_satisfaction`, `import_satisfaction`
- `lastyear`: `parse_last_year`, `import_last_year`
- `compute_statistics(model)`, `stored_statistics(campaign)`: the explicit statistics step
"""

from .read_model import IndexReadModel, build_index
from .statistics import CampaignStatistics, compute_statistics, stored_statistics

__all__ = ["CampaignStatistics", "IndexReadModel", "build_index", "compute_statistics", "stored_statistics"]
