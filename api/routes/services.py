"""GET /api/v1/services?topic=&audience= : the directory as service cards.
GET /api/v1/topics : the topic buttons (labels from bot/topics.yml), as the bot's menu offers them,
and the audiences (bot/topics.yml)."""
from typing import Optional

from fastapi import APIRouter, HTTPException, Query

from api.schemas import Audience, AudienceChoice, ServicesResponse, TopicsResponse
from bot.domain import content, directory, replies, taxonomy

router = APIRouter(prefix="/api/v1")


@router.get("/services", response_model=ServicesResponse)
async def services(topic: Optional[str] = Query(None), audience: Audience = Query("young_person")):
    if topic is None:
        ids = content.all_services(audience)
    elif topic in taxonomy.topic_ids():
        ids = content.guidance(taxonomy.primary_intent(topic), audience).services
    else:
        raise HTTPException(404, f"Unknown topic {topic!r}. Topics: {', '.join(taxonomy.topic_ids())}")
    return ServicesResponse(topic=topic, audience=audience, services=directory.cards(ids))


@router.get("/topics", response_model=TopicsResponse)
async def topics():
    """The widget's topic buttons before anything is sent (the same buttons as the bot's menu),
    and who may be asking: the widget's `data-audience` values and its audience buttons' payloads."""
    audiences = [AudienceChoice(id=a, label=taxonomy.audience_label(a), payload=f"/{taxonomy.audience_intent(a)}")
                 for a in taxonomy.AUDIENCES]
    return TopicsResponse(buttons=replies.menu_buttons(), audiences=audiences)
