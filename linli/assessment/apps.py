from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "linli.assessment"
    label = "assessment"
    verbose_name = _("Ability assessment")

    def ready(self) -> None:
        from linli.assessment.permissions import ASSESSMENT_VIEW
        from linli.assessment.services import REASSESS
        from linli.core import navigation, panels
        from linli.gridwork import task_kinds

        navigation.register(
            navigation.NavItem(
                _("Ability assessment"),
                "assessment:assessment-list",
                ASSESSMENT_VIEW,
                36,
                menu="care",
            )
        )
        # The elder's profile page (care.elder, keyed by the resident) shows the level.
        panels.register(
            panels.Panel(
                "care.elder", _("Ability assessment"), "assessment:elder-panel", ASSESSMENT_VIEW
            )
        )
        # A confirmed assessment hands the next re-assessment to the grid (its ref: the
        # resident; the link: the elder's assessments).
        task_kinds.register(
            task_kinds.TaskKind(REASSESS, _("Re-assessment due"), "assessment:elder-panel")
        )
