"""The public field-of-action filter names each field under its programme (several programmes have a
"Bildung"), instead of repeating the name without saying which is which."""

import re


def test_field_of_action_filter_groups_fields_by_programme(client, demo):
    page = client.get("/portal/huchting/beschluesse").get_data(as_text=True)
    select = re.search(r'<select id="handlungsfeld".*?</select>', page, re.S).group(0)
    groups = re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', select, re.S)
    assert groups, "fields are grouped by programme"
    for _programme, options in groups:
        names = re.findall(r">([^<]+)</option>", options)
        assert len(names) == len(set(names))  # no name twice within one programme
