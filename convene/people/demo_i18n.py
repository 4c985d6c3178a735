"""The demo's topics in the site's other languages (Topic.name_translations)."""

# fmt: off
TOPIC_TRANSLATIONS: dict[str, dict[str, str]] = {
    "Case management": {"fr": "Gestion de cas", "es": "Gestión de casos", "pt": "Gestão de casos", "da": "Sagsbehandling"},
    "Child protection": {"fr": "Protection de l'enfance", "es": "Protección de la infancia", "pt": "Proteção da criança", "da": "Børnebeskyttelse"},
    "Workforce planning": {"fr": "Planification des effectifs", "es": "Planificación de la fuerza laboral", "pt": "Planeamento da força de trabalho", "da": "Planlægning af arbejdsstyrken"},
    "Social work education": {"fr": "Formation en travail social", "es": "Formación en trabajo social", "pt": "Formação em serviço social", "da": "Socialrådgiveruddannelse"},
    "Para professionals": {"fr": "Paraprofessionnels", "es": "Paraprofesionales", "pt": "Paraprofissionais", "da": "Semiprofessionelle"},
    "Supervision": {"fr": "Supervision", "es": "Supervisión", "pt": "Supervisão", "da": "Supervision"},
    "Alternative care": {"fr": "Protection de remplacement", "es": "Cuidado alternativo", "pt": "Acolhimento alternativo", "da": "Anbringelse uden for hjemmet"},
    "Competency frameworks": {"fr": "Référentiels de compétences", "es": "Marcos de competencias", "pt": "Quadros de competências", "da": "Kompetencerammer"},
    "Advocacy": {"fr": "Plaidoyer", "es": "Incidencia", "pt": "Advocacia", "da": "Fortalervirksomhed"},
    "Early intervention": {"fr": "Intervention précoce", "es": "Intervención temprana", "pt": "Intervenção precoce", "da": "Tidlig indsats"},
    "Collective impact": {"fr": "Impact collectif", "es": "Impacto colectivo", "pt": "Impacto coletivo", "da": "Kollektiv effekt"},
    "Family strengthening": {"fr": "Renforcement des familles", "es": "Fortalecimiento familiar", "pt": "Fortalecimento familiar", "da": "Styrkelse af familier"},
    "Gender-based violence": {"fr": "Violences basées sur le genre", "es": "Violencia de género", "pt": "Violência baseada no género", "da": "Kønsbaseret vold"},
    "Mental health and psychosocial support": {"fr": "Santé mentale et soutien psychosocial", "es": "Salud mental y apoyo psicosocial", "pt": "Saúde mental e apoio psicossocial", "da": "Mental sundhed og psykosocial støtte"},
    "Social protection": {"fr": "Protection sociale", "es": "Protección social", "pt": "Proteção social", "da": "Social beskyttelse"},
    "Justice for children": {"fr": "Justice pour enfants", "es": "Justicia para la infancia", "pt": "Justiça para crianças", "da": "Retfærdighed for børn"},
    "Disability inclusion": {"fr": "Inclusion du handicap", "es": "Inclusión de la discapacidad", "pt": "Inclusão da deficiência", "da": "Inklusion af personer med handicap"},
    "Humanitarian response": {"fr": "Action humanitaire", "es": "Respuesta humanitaria", "pt": "Resposta humanitária", "da": "Humanitær indsats"},
    "Data and information systems": {"fr": "Données et systèmes d'information", "es": "Datos y sistemas de información", "pt": "Dados e sistemas de informação", "da": "Data og informationssystemer"},
    "Ethics and standards": {"fr": "Éthique et normes", "es": "Ética y normas", "pt": "Ética e normas", "da": "Etik og standarder"},
    "Community development": {"fr": "Développement communautaire", "es": "Desarrollo comunitario", "pt": "Desenvolvimento comunitário", "da": "Lokalsamfundsudvikling"},
    "Migration and displacement": {"fr": "Migration et déplacement", "es": "Migración y desplazamiento", "pt": "Migração e deslocamento", "da": "Migration og fordrivelse"},
}
# fmt: on
