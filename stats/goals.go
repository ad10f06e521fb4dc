package stats

import (
	"github.com/gofiber/fiber/v2"
)

// GoalDef is a configured goal as the API lists it: exactly one of Event
// and Page is set.
type GoalDef struct {
	Name  string `json:"name"`
	Event string `json:"event,omitempty"`
	Page  string `json:"page,omitempty"`
}

// FunnelDef is a configured funnel: its steps are goal names, in order.
type FunnelDef struct {
	Name  string   `json:"name"`
	Steps []string `json:"steps"`
}

// goalsList answers GET /api/v1/goals?site=: the goals and funnels that
// apply to the site, so that a client can show a goal nobody reached (the
// query API has no row for it) and every step of a funnel.
func (a *API) goalsList(c *fiber.Ctx) error {
	site := c.Query("site")
	if site == "" || len(site) > 200 || !printable(site) {
		return invalid("site is required: the measurement id of one site")
	}
	if a.cfg.Authorize != nil {
		if err := a.cfg.Authorize(c, site); err != nil {
			return err
		}
	}
	goals, funnels := []GoalDef{}, []FunnelDef{}
	if a.cfg.Goals != nil {
		g, f := a.cfg.Goals(site)
		goals, funnels = append(goals, g...), append(funnels, f...)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"site": site, "goals": goals, "funnels": funnels})
}
