"""In-kind gifts: what donors (shops, companies, residents) gave the centre, its
estimated value, and what it was used for (an event, a group, a family), so that the
year's funds by source show the sponsors' help in kind beside the money."""
